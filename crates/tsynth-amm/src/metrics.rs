//! The pool domain's metrics: their declarations (name, direction, unit, meaning, default
//! reference value) and the pure functions that compute them from a seed's series. The
//! formulas, defaults and limits are documented in `docs/objectives.md`.

use tsynth_sim::metrics::{MetricSpec, Values};

/// Relative extra cost of a probe-size buy over the spot price (mean over probes).
pub const SLIPPAGE: &str = "slippage";
/// Standard deviation of per-tick log returns of the spot price after the launch window.
pub const VOLATILITY: &str = "volatility";
/// The worse of the best attacker gain and the honest holders' loss in it, as a share of
/// the pool's base balance (in-simulation screens, the hall of fame, the full search).
pub const RUG_RISK: &str = "rug_risk";
/// The best attacker gain found, as a share of the pool's base balance.
pub const ATTACK_GAIN: &str = "attack_gain";
/// What honest holders lose, at realisable value, in the worst attack the full search found,
/// as a share of the pool's base balance.
pub const VICTIM_LOSS: &str = "victim_loss";
/// Largest price move caused by an honest stake then unstake (probes on forks).
pub const STAKE_SWING: &str = "stake_swing";
/// Highest price in the launch window (or under a launch rush) over the opening price, − 1.
pub const LAUNCH_SPIKE: &str = "launch_spike";
/// Largest drawdown of the spot price after the launch window.
pub const PRICE_DRAWDOWN: &str = "price_drawdown";
/// The publisher's profit over its seed liquidity (settled on a fork at the end).
pub const PUBLISHER_PROFIT: &str = "publisher_profit";
/// Share of its seed liquidity the publisher gets back by redeeming its shares at the end.
pub const SEED_RECOVERY: &str = "seed_recovery";
/// Mean |ln(spot / demand level)| after the launch window.
pub const PRICE_DECOUPLING: &str = "price_decoupling";
/// Swap volume over consume volume, both in base tokens.
pub const SWAP_CONSUME_RATIO: &str = "swap_consume_ratio";
/// Mean all-in cost quoted to a consumer (bought or not) over the demand level then.
pub const CONSUMER_COST: &str = "consumer_cost";
/// Stakers' realised yearly return from the pool.
pub const STAKER_APY: &str = "staker_apy";
/// Share of staking probes whose round trip succeeded with at least 1 − ε back.
pub const STAKING_AVAILABLE: &str = "staking_available";
/// Largest total swap fee seen.
pub const TOTAL_FEE: &str = "total_fee";
/// Share of willing consume wishes that were served.
pub const CONSUMERS_SERVED: &str = "consumers_served";
/// Share of all consume wishes after the launch window that were served (priced-out wishes
/// count as unserved).
pub const CONSUME_RATE: &str = "consume_rate";
/// Share of honest transactions that reverted (policy rejections excluded).
pub const HONEST_REVERT_RATE: &str = "honest_revert_rate";
/// The engine's horizon coverage: min(1, horizon / the design's longest schedule).
pub use tsynth_sim::metrics::HORIZON_COVERAGE;

/// The default objectives, in vector order (see `docs/objectives.md` for why these).
pub const DEFAULT_OBJECTIVES: [&str; 8] = [
    SLIPPAGE,
    PRICE_DRAWDOWN,
    RUG_RISK,
    tsynth_sim::metrics::COMPLEXITY,
    LAUNCH_SPIKE,
    STAKE_SWING,
    PRICE_DECOUPLING,
    PUBLISHER_PROFIT,
];

/// Every metric the pool domain measures.
pub fn declared() -> Vec<MetricSpec> {
    let min = MetricSpec::minimize;
    let max = MetricSpec::maximize;
    vec![
        min(
            SLIPPAGE,
            "fraction",
            "extra cost of a probe-size buy over the spot price (mean over probes)",
            0.1,
        ),
        min(
            VOLATILITY,
            "log-return sd",
            "standard deviation of per-tick log returns of the spot price after the launch window",
            0.1,
        ),
        min(
            RUG_RISK,
            "fraction of pool base",
            "worse of attacker gain and honest holders' loss over the probes and the end-of-run search, as a share of the pool's base balance",
            1.0,
        ),
        min(
            ATTACK_GAIN,
            "fraction of pool base",
            "best attacker gain found (realisable value), as a share of the pool's base balance",
            1.0,
        ),
        min(
            VICTIM_LOSS,
            "fraction of pool base",
            "honest holders' realisable loss in the worst attack of the end-of-run search, as a share of the pool's base balance (0 without that search)",
            1.0,
        ),
        min(
            STAKE_SWING,
            "fraction",
            "largest price move caused by an honest stake then unstake of a probe share of the pool (forks)",
            0.2,
        ),
        min(
            LAUNCH_SPIKE,
            "fraction",
            "highest spot price in the launch window or under a launch rush, over the opening price, minus 1",
            1.0,
        ),
        min(
            PRICE_DRAWDOWN,
            "fraction",
            "largest drawdown of the spot price after the launch window",
            0.9,
        ),
        max(
            PUBLISHER_PROFIT,
            "fraction of seed",
            "publisher's profit over its seed liquidity, its position settled on a fork at the end",
            -1.0,
        ),
        max(
            SEED_RECOVERY,
            "fraction of seed",
            "base its shares redeem for at the end (fork, lock waited out), over its seed liquidity",
            0.0,
        ),
        min(
            PRICE_DECOUPLING,
            "|ln ratio|",
            "mean |ln(spot / demand level)| after the launch window",
            1.0,
        ),
        min(
            SWAP_CONSUME_RATIO,
            "ratio",
            "swap volume over consume volume, both in base tokens",
            1e6,
        ),
        min(
            CONSUMER_COST,
            "fraction of demand level",
            "mean all-in cost (price, fees, slippage) a consumer was quoted over the demand level then (every wish that needed a purchase, bought or not)",
            2.0,
        ),
        max(
            STAKER_APY,
            "per year",
            "stakers' realised yearly return from the pool (open positions settled at the end)",
            -1.0,
        ),
        max(
            STAKING_AVAILABLE,
            "fraction",
            "share of probes at which an honest stake -> unstake round trip succeeded with at least 1 - epsilon back",
            0.0,
        ),
        min(
            TOTAL_FEE,
            "fraction",
            "largest total swap fee seen (start and probes)",
            1.0,
        ),
        max(
            CONSUMERS_SERVED,
            "fraction",
            "share of willing consume wishes (willingness to pay above the all-in cost) that were served",
            0.0,
        ),
        min(
            HONEST_REVERT_RATE,
            "fraction",
            "share of honest transactions that reverted (policy rejections excluded)",
            1.0,
        ),
        tsynth_sim::metrics::complexity_metric(),
        max(
            "consume_rate",
            "fraction",
            "share of all consume wishes after the launch window that were served (priced-out wishes count as unserved)",
            0.0,
        ),
        min(
            "staking_return_loss",
            "fraction",
            "largest loss of a staking probe's round trip (1 - returned)",
            1.0,
        ),
        max(
            "speculator_pnl",
            "fraction of capital",
            "speculators' profit marked at the final spot price, over their capital",
            -1.0,
        ),
        max(
            "publisher_claimed",
            "datatokens",
            "datatokens the publisher claimed from its allocation",
            0.0,
        ),
        min("honest_txs", "count", "honest transactions sent", 1e9),
        min(
            "honest_reverts",
            "count",
            "honest transactions that reverted",
            1e9,
        ),
        max("consume_wishes", "count", "consumers' consume wishes", 0.0),
        max(
            "consume_willing",
            "count",
            "wishes whose willingness to pay was above the all-in cost",
            0.0,
        ),
        max("consume_served", "count", "consumers' orders", 0.0),
    ]
}

/// What a seed measured, gathered for [`measure`].
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// Spot price per tick (tick 0 first).
    pub prices: Vec<f64>,
    /// Demand level per tick.
    pub levels: Vec<f64>,
    /// Ticks of the launch window.
    pub launch_ticks: usize,
    /// Highest spot price under the launch rush.
    pub rush_top: f64,
    /// Slippage probe samples.
    pub slippages: Vec<f64>,
    /// Largest adversary gain over pool base.
    pub rug_risk: f64,
    /// Best attacker gain over the pool's base.
    pub attack_gain: f64,
    /// Honest holders' loss over the pool's base (full search only).
    pub victim_loss: f64,
    /// Largest price move of a staking probe.
    pub stake_swing: f64,
    /// Staking probes run.
    pub staking_probes: u32,
    /// Staking probes that succeeded.
    pub staking_ok: u32,
    /// Largest staking-probe loss (1 − returned).
    pub return_loss: f64,
    /// Largest total swap fee seen.
    pub max_fee: f64,
    /// The publisher's seed liquidity, base tokens.
    pub seed_liquidity: f64,
    /// Every base token the publisher ever owned.
    pub publisher_endowment: f64,
    /// The publisher's settlement at the end (None if the run did not finish).
    pub settlement: Option<crate::probes::Settlement>,
    /// Datatokens the publisher claimed.
    pub publisher_claimed: f64,
    /// Cumulative swap volume at the end, base tokens.
    pub swap_volume: f64,
    /// Speculators' profit over capital.
    pub speculator_pnl: f64,
    /// Consume wishes, willing wishes, served wishes.
    pub wishes: u64,
    /// Wishes after the launch window.
    pub wishes_after_launch: u64,
    /// Served wishes after the launch window.
    pub served_after_launch: u64,
    /// Willing wishes.
    pub willing: u64,
    /// Served wishes.
    pub served: u64,
    /// Consume wishes that met a quote (needed to buy).
    pub quoted: u64,
    /// Sum over quoted wishes of all-in cost over demand level.
    pub cost_over_level: f64,
    /// Sum of all-in cost of served consumes, base tokens.
    pub consume_base: f64,
    /// Stakers' realised P&L (open positions settled at the end), base tokens.
    pub staker_realised: f64,
    /// Stakers' base-token-seconds staked.
    pub staker_capital_seconds: f64,
    /// Honest transactions sent and failed.
    pub honest_txs: u64,
    /// Honest transactions that failed.
    pub honest_reverts: u64,
}

fn ratio(num: f64, den: f64, empty: f64) -> f64 {
    if den > 0.0 { num / den } else { empty }
}

/// Largest swap:consume ratio reported (no consumes at all with some swaps).
pub const MAX_SWAP_CONSUME_RATIO: f64 = 1e6;

/// A seed's metric values from what it measured.
pub fn measure(r: &Measured) -> Values {
    let after = r.launch_ticks.min(r.prices.len().saturating_sub(1));
    let post = &r.prices[after..];
    let levels = &r.levels[after.min(r.levels.len())..];
    let seed = r.seed_liquidity;
    let (recovery, profit) = match r.settlement {
        Some(s) => (
            ratio(s.seed_out, seed, 0.0),
            ratio(s.base_after - r.publisher_endowment, seed, 0.0),
        ),
        None => (0.0, -1.0),
    };
    let n = |x: u64| x as f64;
    let mut v = Values::new();
    let mut put = |k: &str, x: f64| {
        v.insert(k.to_string(), x);
    };
    put(
        SLIPPAGE,
        ratio(r.slippages.iter().sum(), r.slippages.len() as f64, 0.0),
    );
    put(VOLATILITY, volatility(post));
    put(RUG_RISK, r.rug_risk);
    put(ATTACK_GAIN, r.attack_gain);
    put(VICTIM_LOSS, r.victim_loss);
    put(STAKE_SWING, r.stake_swing);
    put(
        LAUNCH_SPIKE,
        launch_spike(&r.prices, r.launch_ticks, r.rush_top),
    );
    put(PRICE_DRAWDOWN, drawdown(post));
    put(PUBLISHER_PROFIT, profit);
    put(SEED_RECOVERY, recovery);
    put(PRICE_DECOUPLING, decoupling(post, levels));
    let consume_value = r.consume_base;
    put(
        SWAP_CONSUME_RATIO,
        if consume_value > 0.0 {
            (r.swap_volume / consume_value).min(MAX_SWAP_CONSUME_RATIO)
        } else if r.swap_volume > 0.0 {
            MAX_SWAP_CONSUME_RATIO
        } else {
            0.0
        },
    );
    put(CONSUMER_COST, ratio(r.cost_over_level, n(r.quoted), 0.0));
    put(
        STAKER_APY,
        ratio(
            r.staker_realised * crate::time::YEAR,
            r.staker_capital_seconds,
            0.0,
        ),
    );
    put(
        STAKING_AVAILABLE,
        ratio(f64::from(r.staking_ok), f64::from(r.staking_probes), 0.0),
    );
    put(TOTAL_FEE, r.max_fee);
    put(CONSUMERS_SERVED, ratio(n(r.served), n(r.willing), 1.0));
    put(
        HONEST_REVERT_RATE,
        ratio(n(r.honest_reverts), n(r.honest_txs), 0.0),
    );
    put(
        CONSUME_RATE,
        ratio(n(r.served_after_launch), n(r.wishes_after_launch), 1.0),
    );
    put("staking_return_loss", r.return_loss.max(0.0));
    put("speculator_pnl", r.speculator_pnl);
    put("publisher_claimed", r.publisher_claimed);
    put("honest_txs", n(r.honest_txs));
    put("honest_reverts", n(r.honest_reverts));
    put("consume_wishes", n(r.wishes));
    put("consume_willing", n(r.willing));
    put("consume_served", n(r.served));
    v
}

/// Launch spike: the highest of `prices[..=launch]` and `rush_top`, over `prices[0]`, − 1
/// (never below 0).
pub fn launch_spike(prices: &[f64], launch: usize, rush_top: f64) -> f64 {
    let Some(&open) = prices.first() else {
        return 0.0;
    };
    if open <= 0.0 {
        return 0.0;
    }
    let top = prices[..=launch.min(prices.len() - 1)]
        .iter()
        .copied()
        .fold(rush_top, f64::max);
    (top / open - 1.0).max(0.0)
}

/// Largest drawdown `1 − p_t / max_{s ≤ t} p_s` of `prices` (a price ≤ 0 is a full drawdown).
pub fn drawdown(prices: &[f64]) -> f64 {
    let mut peak: f64 = 0.0;
    let mut worst: f64 = 0.0;
    for &p in prices {
        peak = peak.max(p);
        if peak > 0.0 {
            worst = worst.max(1.0 - p.max(0.0) / peak);
        }
    }
    worst
}

/// Mean `|ln(p_t / L_t)|` over the pairs (a price ≤ 0 counts as 1e-18).
pub fn decoupling(prices: &[f64], levels: &[f64]) -> f64 {
    let n = prices.len().min(levels.len());
    if n == 0 {
        return 0.0;
    }
    let sum: f64 = prices
        .iter()
        .zip(levels)
        .map(|(&p, &l)| (p.max(1e-18) / l.max(1e-18)).ln().abs())
        .sum();
    sum / n as f64
}

/// Population standard deviation of the log returns of a positive price series. Ticks whose
/// price is not positive (pool drained) count as a return to a price of one base unit, so a
/// collapse is heavily penalised instead of silently ignored.
pub fn volatility(prices: &[f64]) -> f64 {
    if prices.len() < 2 {
        return 0.0;
    }
    let floor = 1e-18;
    let mut n = 0.0;
    let mut mean = 0.0;
    let mut m2 = 0.0;
    for w in prices.windows(2) {
        let r = (w[1].max(floor) / w[0].max(floor)).ln();
        n += 1.0;
        let d = r - mean;
        mean += d / n;
        m2 += d * (r - mean);
    }
    (m2 / n).sqrt()
}

/// Slippage of one buy: effective price (`base_in / dt_out`) over the spot price, minus 1.
/// A buy that returns nothing is infinitely bad; callers record it as `f64::INFINITY`.
pub fn slippage(base_in: f64, dt_out: f64, spot: f64) -> f64 {
    if dt_out <= 0.0 || spot <= 0.0 {
        return f64::INFINITY;
    }
    let s = (base_in / dt_out) / spot - 1.0;
    // A curve-free pool pays exactly the spot price: the float quotient then lands a few ulps
    // either side of zero (−1.5e-16 was seen), which would print as "-0.0000" and make equal
    // designs look different. Below 1e-12 (far under anything a swap can produce) it is 0.
    if s.abs() < 1e-12 { 0.0 } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatility_of_constant_and_alternating_series() {
        assert_eq!(volatility(&[1.0; 10]), 0.0);
        assert_eq!(volatility(&[2.0]), 0.0);
        // Returns alternate ln2, -ln2: mean 0, std ln2.
        let v = volatility(&[1.0, 2.0, 1.0, 2.0, 1.0]);
        assert!((v - 2f64.ln()).abs() < 1e-12, "{v}");
        // Steady growth has zero volatility.
        let g: Vec<f64> = (0..20).map(|i| 1.05f64.powi(i)).collect();
        assert!(volatility(&g) < 1e-12);
    }

    #[test]
    fn volatility_penalises_collapse() {
        assert!(volatility(&[1.0, 1.0, 0.0]) > 10.0);
    }

    #[test]
    fn a_smooth_crash_has_no_volatility_but_a_large_drawdown() {
        // 1.00 -> 0.26 in equal log steps: per-tick sigma 0, drawdown 74%.
        let n = 500;
        let p: Vec<f64> = (0..=n)
            .map(|i| (0.26f64.ln() * i as f64 / n as f64).exp())
            .collect();
        assert!(volatility(&p) < 1e-9);
        assert!((drawdown(&p) - 0.74).abs() < 1e-9, "{}", drawdown(&p));
        assert_eq!(drawdown(&[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(drawdown(&[2.0, 0.0]), 1.0);
    }

    #[test]
    fn launch_spike_takes_the_worse_of_the_window_and_the_rush() {
        let p = [1.0, 1.2, 1.1, 3.0];
        assert!((launch_spike(&p, 2, 0.0) - 0.2).abs() < 1e-12);
        assert!((launch_spike(&p, 2, 1.5) - 0.5).abs() < 1e-12);
        assert!((launch_spike(&p, 10, 0.0) - 2.0).abs() < 1e-12);
        assert_eq!(launch_spike(&[1.0, 0.5], 1, 0.0), 0.0);
    }

    #[test]
    fn decoupling_is_mean_absolute_log_ratio() {
        assert_eq!(decoupling(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
        let d = decoupling(&[1.0, 1.0], &[2.0, 0.5]);
        assert!((d - 2f64.ln()).abs() < 1e-12, "{d}");
        // A fixed price under demand drifting up 1% a day for 60 days.
        let levels: Vec<f64> = (0..60).map(|d| (0.01 * d as f64).exp()).collect();
        assert!((decoupling(&vec![1.0; 60], &levels) - 0.295).abs() < 1e-9);
    }

    #[test]
    fn slippage_definition() {
        // Pay 10 for 8 at spot 1.2: EP 1.25, slippage 1.25/1.2 - 1.
        assert!((slippage(10.0, 8.0, 1.2) - (1.25 / 1.2 - 1.0)).abs() < 1e-15);
        assert_eq!(slippage(1.0, 0.0, 1.0), f64::INFINITY);
        // Float noise around an exact spot-price fill is exactly zero, not -0.0000.
        let noisy = slippage(0.1, 0.1 / 1.000_000_000_000_000_2, 1.0);
        assert_eq!(noisy.to_bits(), 0.0f64.to_bits());
        assert!(slippage(1.0, 0.999, 1.0) > 1e-4);
    }

    #[test]
    fn every_default_objective_is_declared_once() {
        let d = declared();
        for o in DEFAULT_OBJECTIVES {
            assert_eq!(d.iter().filter(|m| m.name == o).count(), 1, "{o}");
        }
        for (i, m) in d.iter().enumerate() {
            assert!(d[..i].iter().all(|n| n.name != m.name), "{} twice", m.name);
        }
    }
}
