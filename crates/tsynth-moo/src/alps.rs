//! ALPS (Hornby 2006) age-layer settings with MOJITO's defaults.

use serde::{Deserialize, Serialize};

/// How the maximum age of each layer but the top one is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgeLimits {
    /// Layer n may hold ages up to (n² + 1) · age_gap (MOJITO: 20, 40, 100, 200, …).
    Polynomial,
    /// Layer n may hold ages up to (n + 1) · age_gap.
    Linear,
    /// Layer n may hold ages up to 2ⁿ · age_gap.
    Exponential,
    /// Explicit limits, one per layer except the top (non-decreasing).
    Explicit(Vec<u32>),
}

/// Age-layered population structure settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlpsConfig {
    /// Number of age layers (MOJITO: 10). The top layer has no age limit.
    pub layers: usize,
    /// Age gap in generations (MOJITO: 20).
    pub age_gap: u32,
    /// Age limits of the layers below the top.
    pub age_limits: AgeLimits,
    /// Every `age_gap` generations, move layer 0 up into layer 1 and refill layer 0 with
    /// random individuals (MOJITO: yes).
    pub reseed_layer0: bool,
}

impl Default for AlpsConfig {
    fn default() -> Self {
        Self {
            layers: 10,
            age_gap: 20,
            age_limits: AgeLimits::Polynomial,
            reseed_layer0: true,
        }
    }
}

impl AlpsConfig {
    /// Maximum age allowed in `layer`, or `None` for the top layer (unlimited).
    pub fn max_age(&self, layer: usize) -> Option<u32> {
        if layer + 1 >= self.layers {
            return None;
        }
        let gap = u64::from(self.age_gap);
        let n = layer as u64;
        let limit = match &self.age_limits {
            AgeLimits::Polynomial => (n * n + 1) * gap,
            AgeLimits::Linear => (n + 1) * gap,
            AgeLimits::Exponential => gap << n.min(32),
            AgeLimits::Explicit(v) => u64::from(*v.get(layer)?),
        };
        Some(limit.min(u64::from(u32::MAX)) as u32)
    }

    /// Check the settings; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.layers == 0 {
            return Err("ALPS needs at least one layer".into());
        }
        if self.age_gap == 0 {
            return Err("ALPS age gap must be at least 1 generation".into());
        }
        if let AgeLimits::Explicit(v) = &self.age_limits {
            if v.len() + 1 != self.layers {
                return Err(format!(
                    "ALPS explicit age limits: {} layers need {} limits, got {}",
                    self.layers,
                    self.layers - 1,
                    v.len()
                ));
            }
            if v.windows(2).any(|w| w[1] < w[0]) {
                return Err("ALPS explicit age limits must be non-decreasing".into());
            }
        }
        Ok(())
    }
}
