//! Uncontrollable variables written into a TOML file.
//!
//! Any number of a TOML document may instead be an inline table naming a distribution or a
//! range:
//!
//! ```toml
//! capital = { lognormal = [500.0, 0.5] }          # median, sigma of ln
//! level   = { normal = [0.6, 0.1], min = 0.05 }   # mean, standard deviation; clipped
//! rate    = { uniform = [0.5, 2.0] }              # low, high
//! count   = { choice = [2, 4, 8], weights = [1, 2, 1] }
//! hurdle  = { range = [0.0, 0.2] }                # no distribution: a box only
//! ```
//!
//! [`Space::parse`] finds every such table (with its readable name, e.g. `agents[2].capital`,
//! and its position), checks it, and keeps the text; [`Space::render`] puts concrete values
//! back in their place, so the file's own reader sees an ordinary file. Everything else in
//! the text (comments, layout, other inline tables) is left as it was.
//!
//! Each variable has three maps from numbers in `[0, 1]` to values:
//! - [`Variable::nominal`]: the value used when nothing varies (median of a lognormal, mean of
//!   a normal, midpoint of a uniform or a range, first value of a choice);
//! - [`Variable::quantile`]: the inverse distribution function, for Monte Carlo (a `range` is
//!   sampled uniformly; a `normal` or `lognormal` is sampled over its whole support);
//! - [`Variable::at_box`]: a position in the box that worst-case search explores: `[lo, hi]`
//!   of a uniform or a range, ±[`BOX_SIGMA`] standard deviations of a normal (or of `ln` of a
//!   lognormal, interpolated geometrically), the smallest to the largest value of a choice.
//!
//! All three clip to `min`/`max` when given. A variable whose location numbers (the bounds of
//! a uniform or range, the mean of a normal, the median of a lognormal, every value of a
//! choice, and `min`/`max`) are all written as TOML integers takes whole values only (an
//! agent count must be whole); `integer = true` or `false` says so explicitly.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;
use toml_edit::{Document, InlineTable, Item, Table, Value};

use crate::stats::normal_quantile;

/// Standard deviations each side of the centre that the worst-case box spans for the
/// unbounded distributions (3: the 0.135% and 99.865% quantiles).
pub const BOX_SIGMA: f64 = 3.0;

/// The distribution kinds, as written in files.
pub const KINDS: [&str; 5] = ["uniform", "normal", "lognormal", "choice", "range"];

/// Keys a distribution table may have besides its kind.
pub const MODIFIERS: [&str; 4] = ["min", "max", "weights", "integer"];

/// A file whose variables could not be read; `line`/`col` are 1-based, in characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{col}: {message}", path.display())]
pub struct SpaceError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

/// What an uncontrollable variable may take.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Distribution {
    /// Uniform on `[lo, hi]`.
    Uniform {
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
    /// Normal with `mean` and standard deviation `sd`.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
    },
    /// Lognormal: `ln X` is normal with mean `ln median` and standard deviation `sigma`.
    LogNormal {
        /// Median (> 0).
        median: f64,
        /// Standard deviation of `ln X` (> 0).
        sigma: f64,
    },
    /// One of `values`, with probabilities `weights` (normalised to sum to 1).
    Choice {
        /// The values, in file order (the first is the nominal).
        values: Vec<f64>,
        /// Their probabilities.
        weights: Vec<f64>,
    },
    /// Anywhere in `[lo, hi]`, with no distribution claimed (Monte Carlo samples it
    /// uniformly; worst-case search treats it as a box).
    Range {
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
}

impl Distribution {
    /// The kind's name as written in files.
    pub fn kind(&self) -> &'static str {
        match self {
            Distribution::Uniform { .. } => "uniform",
            Distribution::Normal { .. } => "normal",
            Distribution::LogNormal { .. } => "lognormal",
            Distribution::Choice { .. } => "choice",
            Distribution::Range { .. } => "range",
        }
    }
}

/// One uncontrollable variable of a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variable {
    /// Readable name: the TOML path (`demand.initial_level`, `agents[2].capital`).
    pub name: String,
    /// Its distribution or range.
    pub distribution: Distribution,
    /// Values below are clipped to this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Values above are clipped to this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Whole values only.
    pub integer: bool,
    /// 1-based line of the distribution table.
    pub line: usize,
    /// 1-based column of the distribution table.
    pub col: usize,
    #[serde(skip)]
    span: Range<usize>,
}

impl Variable {
    /// The value used when nothing varies: median (lognormal), mean (normal), midpoint
    /// (uniform, range), first value (choice); clipped and rounded like every value.
    pub fn nominal(&self) -> f64 {
        let v = match &self.distribution {
            Distribution::Uniform { lo, hi } | Distribution::Range { lo, hi } => 0.5 * (lo + hi),
            Distribution::Normal { mean, .. } => *mean,
            Distribution::LogNormal { median, .. } => *median,
            Distribution::Choice { values, .. } => values[0],
        };
        self.finish(v)
    }

    /// The worst-case box `[lo, hi]` (clipped to `min`/`max`, whole numbers for integers).
    pub fn bounds(&self) -> (f64, f64) {
        (self.at_box(0.0), self.at_box(1.0))
    }

    /// The value at quantile `u` in `(0, 1)` (Monte Carlo): the inverse distribution
    /// function, clipped to `min`/`max` (clipping puts the clipped mass on the bound).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON);
        match &self.distribution {
            Distribution::Uniform { lo, hi } | Distribution::Range { lo, hi } => {
                if self.integer {
                    // Every whole number of the clipped range equally likely.
                    let (a, b) = self.integer_bounds(*lo, *hi);
                    let k = (a + (u * (b - a + 1.0)).floor()).min(b);
                    self.finish(k)
                } else {
                    self.finish(lo + u * (hi - lo))
                }
            }
            Distribution::Normal { mean, sd } => self.finish(mean + sd * normal_quantile(u)),
            Distribution::LogNormal { median, sigma } => {
                self.finish(median * (sigma * normal_quantile(u)).exp())
            }
            Distribution::Choice { values, weights } => {
                let mut acc = 0.0;
                for (v, w) in values.iter().zip(weights) {
                    acc += w;
                    if u < acc {
                        return self.finish(*v);
                    }
                }
                self.finish(*values.last().unwrap_or(&0.0))
            }
        }
    }

    /// The value at position `t` in `[0, 1]` of the worst-case box: linear for uniform,
    /// range and normal (±[`BOX_SIGMA`] sd), geometric for lognormal (median ·
    /// e^(±BOX_SIGMA·sigma)), the sorted values of a choice at equal steps; 0.5 is the centre.
    pub fn at_box(&self, t: f64) -> f64 {
        let t = t.clamp(0.0, 1.0);
        match &self.distribution {
            Distribution::Uniform { lo, hi } | Distribution::Range { lo, hi } => {
                let (lo, hi) = self.clip_pair(*lo, *hi);
                self.finish(lo + t * (hi - lo))
            }
            Distribution::Normal { mean, sd } => {
                let (lo, hi) = self.clip_pair(mean - BOX_SIGMA * sd, mean + BOX_SIGMA * sd);
                self.finish(lo + t * (hi - lo))
            }
            Distribution::LogNormal { median, sigma } => {
                let (lo, hi) = self.clip_pair(
                    median * (-BOX_SIGMA * sigma).exp(),
                    median * (BOX_SIGMA * sigma).exp(),
                );
                let (a, b) = (
                    lo.max(f64::MIN_POSITIVE).ln(),
                    hi.max(f64::MIN_POSITIVE).ln(),
                );
                self.finish((a + t * (b - a)).exp())
            }
            Distribution::Choice { values, .. } => {
                let mut sorted: Vec<f64> = values.iter().map(|&v| self.finish(v)).collect();
                sorted.sort_by(f64::total_cmp);
                sorted.dedup();
                let i = (t * (sorted.len() - 1) as f64).round() as usize;
                sorted[i.min(sorted.len() - 1)]
            }
        }
    }

    /// The box position of value `v` (the inverse of [`Variable::at_box`], clamped to
    /// `[0, 1]`; for a choice, the position of the sorted value nearest `v`).
    pub fn to_box(&self, v: f64) -> f64 {
        let (lo, hi) = self.bounds();
        let t = match &self.distribution {
            Distribution::Choice { values, .. } => {
                let mut sorted: Vec<f64> = values.iter().map(|&v| self.finish(v)).collect();
                sorted.sort_by(f64::total_cmp);
                sorted.dedup();
                if sorted.len() < 2 {
                    return 0.5;
                }
                let i = sorted
                    .iter()
                    .enumerate()
                    .min_by(|a, b| (a.1 - v).abs().total_cmp(&(b.1 - v).abs()))
                    .map_or(0, |(i, _)| i);
                i as f64 / (sorted.len() - 1) as f64
            }
            Distribution::LogNormal { .. } if lo > 0.0 && hi > lo => {
                (v.max(f64::MIN_POSITIVE).ln() - lo.ln()) / (hi.ln() - lo.ln())
            }
            _ if hi > lo => (v - lo) / (hi - lo),
            _ => 0.5,
        };
        t.clamp(0.0, 1.0)
    }

    /// One line: `lognormal(median 500, sigma 0.5), clipped to [100, inf), integer`.
    pub fn describe(&self) -> String {
        let mut s = match &self.distribution {
            Distribution::Uniform { lo, hi } => format!("uniform on [{lo}, {hi}]"),
            Distribution::Range { lo, hi } => format!("range [{lo}, {hi}]"),
            Distribution::Normal { mean, sd } => format!("normal(mean {mean}, sd {sd})"),
            Distribution::LogNormal { median, sigma } => {
                format!("lognormal(median {median}, sigma of ln {sigma})")
            }
            Distribution::Choice { values, weights } => {
                let vs: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                let equal = weights.iter().all(|w| (w - weights[0]).abs() < 1e-12);
                if equal {
                    format!("one of {{{}}}", vs.join(", "))
                } else {
                    let ws: Vec<String> = weights.iter().map(|w| format!("{w:.3}")).collect();
                    format!(
                        "one of {{{}}} with weights {{{}}}",
                        vs.join(", "),
                        ws.join(", ")
                    )
                }
            }
        };
        if self.min.is_some() || self.max.is_some() {
            let lo = self.min.map_or("-inf".to_string(), |v| v.to_string());
            let hi = self.max.map_or("inf".to_string(), |v| v.to_string());
            s += &format!(", clipped to [{lo}, {hi}]");
        }
        if self.integer {
            s += ", whole numbers";
        }
        s
    }

    fn clip(&self, v: f64) -> f64 {
        let v = self.min.map_or(v, |m| v.max(m));
        self.max.map_or(v, |m| v.min(m))
    }

    fn clip_pair(&self, lo: f64, hi: f64) -> (f64, f64) {
        (self.clip(lo), self.clip(hi))
    }

    /// Whole numbers inside the clipped `[lo, hi]`.
    fn integer_bounds(&self, lo: f64, hi: f64) -> (f64, f64) {
        let (lo, hi) = self.clip_pair(lo, hi);
        (lo.ceil(), hi.floor())
    }

    /// Clip, round (integers: to the nearest whole number inside the clipping), clip.
    fn finish(&self, v: f64) -> f64 {
        let v = self.clip(v);
        if !self.integer {
            return v;
        }
        let r = v.round();
        let r = self.min.map_or(r, |m| r.max(m.ceil()));
        self.max.map_or(r, |m| r.min(m.floor()))
    }
}

/// The uncontrollable variables of one file, with the file's text.
#[derive(Debug, Clone)]
pub struct Space {
    path: PathBuf,
    text: String,
    variables: Vec<Variable>,
}

impl Space {
    /// Reads the variables of TOML `text` (`path` names it in messages). Text is normalised
    /// first (BOM dropped, LF line endings), so positions are the ones an editor shows. A
    /// file without variables gives an empty space whose [`Space::render`] returns the text.
    pub fn parse(text: &str, path: &Path) -> Result<Self, SpaceError> {
        let text = tsynth_text::normalize(text).into_owned();
        let doc = Document::parse(text.as_str()).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            error(&text, path, at, format!("TOML: {}", e.message().trim()))
        })?;
        let mut walker = Walker {
            text: &text,
            path,
            found: Vec::new(),
        };
        walker.table(doc.as_table(), "")?;
        let mut variables = walker.found;
        variables.sort_by_key(|v| v.span.start);
        Ok(Self {
            path: path.to_path_buf(),
            text,
            variables,
        })
    }

    /// The file named in messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The (normalised) text, with the distributions as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The variables, in file order.
    pub fn variables(&self) -> &[Variable] {
        &self.variables
    }

    /// Number of variables.
    pub fn len(&self) -> usize {
        self.variables.len()
    }

    /// Whether the file has no variables.
    pub fn is_empty(&self) -> bool {
        self.variables.is_empty()
    }

    /// Every variable's nominal value.
    pub fn nominal(&self) -> Vec<f64> {
        self.variables.iter().map(Variable::nominal).collect()
    }

    /// The nominal condition's position in the box (where worst-case search starts).
    pub fn nominal_box(&self) -> Vec<f64> {
        self.variables
            .iter()
            .map(|v| v.to_box(v.nominal()))
            .collect()
    }

    /// Values at quantiles `u` (one per variable, each in `(0, 1)`): a Monte Carlo sample.
    pub fn quantiles(&self, u: &[f64]) -> Vec<f64> {
        self.variables
            .iter()
            .zip(u)
            .map(|(v, &u)| v.quantile(u))
            .collect()
    }

    /// Values at box position `t` (one per variable, each in `[0, 1]`).
    pub fn at_box(&self, t: &[f64]) -> Vec<f64> {
        self.variables
            .iter()
            .zip(t)
            .map(|(v, &t)| v.at_box(t))
            .collect()
    }

    /// The text with every variable replaced by `values[i]` (integers written as TOML
    /// integers, other values as TOML floats), for the file's own reader.
    ///
    /// # Panics
    /// When `values` does not have one value per variable.
    pub fn render(&self, values: &[f64]) -> String {
        assert_eq!(values.len(), self.variables.len(), "one value per variable");
        let mut out = String::with_capacity(self.text.len());
        let mut at = 0;
        for (v, &x) in self.variables.iter().zip(values) {
            out.push_str(&self.text[at..v.span.start]);
            out.push_str(&literal(x, v.integer));
            // A distribution written over several lines (TOML 1.1) keeps its line breaks
            // after the value, so every later line keeps its number in messages.
            let breaks = self.text[v.span.clone()].matches('\n').count();
            out.extend(std::iter::repeat_n('\n', breaks));
            at = v.span.end;
        }
        out.push_str(&self.text[at..]);
        out
    }

    /// [`Space::render`] at the nominal values.
    pub fn render_nominal(&self) -> String {
        self.render(&self.nominal())
    }

    /// An error at variable `i`'s position (e.g. when the file's reader refuses a variable
    /// in a table where nothing may vary).
    pub fn error_at(&self, i: usize, message: impl Into<String>) -> SpaceError {
        error(
            &self.text,
            &self.path,
            self.variables[i].span.start,
            message,
        )
    }
}

/// A number as a TOML literal: integers without a point, floats always with a point or an
/// exponent (so a float field never reads an integer, nor an integer field a float).
pub fn literal(x: f64, integer: bool) -> String {
    if integer {
        format!("{}", x.round() as i64)
    } else {
        // `{:?}` keeps full precision and always marks a float ("500.0", "1e-7").
        let s = format!("{x:?}");
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{s}.0")
        }
    }
}

fn error(text: &str, path: &Path, offset: usize, message: impl Into<String>) -> SpaceError {
    let (line, col) = tsynth_text::line_col(text, offset.min(text.len()));
    SpaceError {
        path: path.to_path_buf(),
        line,
        col,
        message: message.into(),
    }
}

struct Walker<'a> {
    text: &'a str,
    path: &'a Path,
    found: Vec<Variable>,
}

fn join(prefix: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        key.to_string()
    } else {
        format!("\"{}\"", key.replace('"', "\\\""))
    };
    if prefix.is_empty() {
        key
    } else {
        format!("{prefix}.{key}")
    }
}

/// Levenshtein distance (for "did you mean").
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A number read from the file: its value and whether it was written as an integer.
#[derive(Clone, Copy)]
struct Num {
    v: f64,
    int: bool,
}

impl Walker<'_> {
    fn err(&self, span: Option<Range<usize>>, message: impl Into<String>) -> SpaceError {
        error(self.text, self.path, span.map_or(0, |s| s.start), message)
    }

    fn table(&mut self, t: &Table, prefix: &str) -> Result<(), SpaceError> {
        for (k, item) in t.iter() {
            self.item(item, &join(prefix, k))?;
        }
        Ok(())
    }

    fn item(&mut self, item: &Item, name: &str) -> Result<(), SpaceError> {
        match item {
            Item::None => Ok(()),
            Item::Value(v) => self.value(v, name),
            Item::Table(t) => self.table(t, name),
            Item::ArrayOfTables(a) => {
                for (i, t) in a.iter().enumerate() {
                    self.table(t, &format!("{name}[{i}]"))?;
                }
                Ok(())
            }
        }
    }

    fn value(&mut self, v: &Value, name: &str) -> Result<(), SpaceError> {
        match v {
            Value::InlineTable(t) => {
                let kinds: Vec<&str> = t
                    .iter()
                    .map(|(k, _)| k)
                    .filter(|k| KINDS.contains(k))
                    .collect();
                match kinds.as_slice() {
                    [] => {
                        // Not a variable: the file's own inline table. A key one or two
                        // letters from a kind is a misspelt distribution, not data.
                        for (k, _) in t.iter() {
                            if let Some(kind) = KINDS.iter().find(|kind| distance(k, kind) <= 2) {
                                return Err(self.err(
                                    t.key(k).and_then(|k| k.span()),
                                    format!(
                                        "`{name}`: unknown distribution `{k}` (did you mean \
                                         `{kind}`? known: {})",
                                        KINDS.join(", ")
                                    ),
                                ));
                            }
                        }
                        for (k, v) in t.iter() {
                            self.value(v, &join(name, k))?;
                        }
                        Ok(())
                    }
                    [kind] => {
                        let var = self.variable(t, kind, name)?;
                        self.found.push(var);
                        Ok(())
                    }
                    [a, b, ..] => Err(self.err(
                        t.key(b).and_then(|k| k.span()),
                        format!(
                            "`{name}`: a variable has one distribution, found both `{a}` and `{b}`"
                        ),
                    )),
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    self.value(v, &format!("{name}[{i}]"))?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn number(&self, v: &Value, what: &str) -> Result<Num, SpaceError> {
        let n = match v {
            Value::Integer(i) => Num {
                v: *i.value() as f64,
                int: true,
            },
            Value::Float(f) => Num {
                v: *f.value(),
                int: false,
            },
            other => {
                return Err(self.err(
                    other.span(),
                    format!("{what}: expected a number, found {}", other.type_name()),
                ));
            }
        };
        if !n.v.is_finite() {
            return Err(self.err(v.span(), format!("{what}: must be a finite number")));
        }
        Ok(n)
    }

    fn numbers(&self, v: &Value, what: &str) -> Result<Vec<Num>, SpaceError> {
        match v {
            Value::Array(a) => a.iter().map(|x| self.number(x, what)).collect(),
            other => Err(self.err(
                other.span(),
                format!(
                    "{what}: expected an array of numbers, found {}",
                    other.type_name()
                ),
            )),
        }
    }

    fn variable(&self, t: &InlineTable, kind: &str, name: &str) -> Result<Variable, SpaceError> {
        let key_span = |k: &str| t.key(k).and_then(|k| k.span());
        for (k, _) in t.iter() {
            if k != kind && !MODIFIERS.contains(&k) {
                return Err(self.err(
                    key_span(k),
                    format!(
                        "`{name}`: unknown key `{k}` in a `{kind}` distribution (expected \
                         `{kind}` and optionally {})",
                        MODIFIERS
                            .iter()
                            .filter(|m| **m != "weights" || kind == "choice")
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        let args_v = t.get(kind).expect("kind key present");
        let what = format!("`{name}` ({kind})");
        let args = self.numbers(args_v, &what)?;
        let args_err = |m: String| self.err(args_v.span(), format!("`{name}`: {m}"));
        let pair = |first: &str, second: &str| -> Result<(Num, Num), SpaceError> {
            match args.as_slice() {
                [a, b] => Ok((*a, *b)),
                _ => Err(args_err(format!(
                    "`{kind}` takes [{first}, {second}], found {} number(s)",
                    args.len()
                ))),
            }
        };
        let bound = |k: &str| -> Result<Option<Num>, SpaceError> {
            t.get(k)
                .map(|v| self.number(v, &format!("`{name}`: `{k}`")))
                .transpose()
        };
        let min = bound("min")?;
        let max = bound("max")?;
        if let (Some(lo), Some(hi)) = (min, max)
            && lo.v >= hi.v
        {
            return Err(self.err(
                t.get("min").and_then(|v| v.span()),
                format!("`{name}`: `min` ({}) must be below `max` ({})", lo.v, hi.v),
            ));
        }
        let explicit_integer = match t.get("integer") {
            None => None,
            Some(Value::Boolean(b)) => Some(*b.value()),
            Some(other) => {
                return Err(self.err(
                    other.span(),
                    format!("`{name}`: `integer` must be true or false"),
                ));
            }
        };
        if t.get("weights").is_some() && kind != "choice" {
            return Err(self.err(
                key_span("weights"),
                format!("`{name}`: `weights` belongs to a `choice`, not a `{kind}`"),
            ));
        }
        let (distribution, location): (Distribution, Vec<Num>) = match kind {
            "uniform" | "range" => {
                let (lo, hi) = pair("low", "high")?;
                if lo.v >= hi.v {
                    return Err(args_err(format!(
                        "the low bound ({}) must be below the high bound ({}); write a plain \
                         number for a constant",
                        lo.v, hi.v
                    )));
                }
                let d = if kind == "uniform" {
                    Distribution::Uniform { lo: lo.v, hi: hi.v }
                } else {
                    Distribution::Range { lo: lo.v, hi: hi.v }
                };
                (d, vec![lo, hi])
            }
            "normal" => {
                let (mean, sd) = pair("mean", "standard deviation")?;
                if sd.v <= 0.0 {
                    return Err(args_err(format!(
                        "the standard deviation must be > 0, found {}",
                        sd.v
                    )));
                }
                (
                    Distribution::Normal {
                        mean: mean.v,
                        sd: sd.v,
                    },
                    vec![mean],
                )
            }
            "lognormal" => {
                let (median, sigma) = pair("median", "sigma of ln")?;
                if median.v <= 0.0 {
                    return Err(args_err(format!(
                        "the median must be > 0, found {}",
                        median.v
                    )));
                }
                if sigma.v <= 0.0 {
                    return Err(args_err(format!(
                        "sigma (of ln) must be > 0, found {}",
                        sigma.v
                    )));
                }
                (
                    Distribution::LogNormal {
                        median: median.v,
                        sigma: sigma.v,
                    },
                    vec![median],
                )
            }
            "choice" => {
                if args.is_empty() {
                    return Err(args_err("`choice` needs at least one value".into()));
                }
                let weights = match t.get("weights") {
                    None => vec![1.0; args.len()],
                    Some(wv) => {
                        let ws = self.numbers(wv, &format!("`{name}`: `weights`"))?;
                        let werr = |m: String| self.err(wv.span(), format!("`{name}`: {m}"));
                        if ws.len() != args.len() {
                            return Err(werr(format!(
                                "{} weight(s) for {} value(s)",
                                ws.len(),
                                args.len()
                            )));
                        }
                        if ws.iter().any(|w| w.v < 0.0) {
                            return Err(werr("weights must be >= 0".into()));
                        }
                        if ws.iter().map(|w| w.v).sum::<f64>() <= 0.0 {
                            return Err(werr("at least one weight must be > 0".into()));
                        }
                        ws.iter().map(|w| w.v).collect()
                    }
                };
                let total: f64 = weights.iter().sum();
                (
                    Distribution::Choice {
                        values: args.iter().map(|a| a.v).collect(),
                        weights: weights.iter().map(|w| w / total).collect(),
                    },
                    args.clone(),
                )
            }
            _ => unreachable!("kinds are filtered"),
        };
        let integer = explicit_integer.unwrap_or_else(|| {
            location
                .iter()
                .chain(min.iter())
                .chain(max.iter())
                .all(|n| n.int)
        });
        let span = t.span().unwrap_or(0..0);
        let (line, col) = tsynth_text::line_col(self.text, span.start);
        let var = Variable {
            name: name.to_string(),
            distribution,
            min: min.map(|n| n.v),
            max: max.map(|n| n.v),
            integer,
            line,
            col,
            span,
        };
        // The clipping must leave something of a bounded distribution.
        let overlap_err = |m: String| {
            self.err(
                t.get("min")
                    .or(t.get("max"))
                    .and_then(|v| v.span())
                    .or(args_v.span()),
                format!("`{name}`: {m}"),
            )
        };
        match &var.distribution {
            Distribution::Uniform { lo, hi } | Distribution::Range { lo, hi } => {
                if var.min.is_some_and(|m| m >= *hi) || var.max.is_some_and(|m| m <= *lo) {
                    return Err(overlap_err(format!(
                        "`min`/`max` leave nothing of [{lo}, {hi}]"
                    )));
                }
                if var.integer {
                    let (a, b) = var.integer_bounds(*lo, *hi);
                    if a > b {
                        return Err(overlap_err(format!(
                            "no whole number lies in [{lo}, {hi}] (write `integer = false`?)"
                        )));
                    }
                }
            }
            Distribution::Choice { values, .. } => {
                let inside =
                    |v: &f64| var.min.is_none_or(|m| *v >= m) && var.max.is_none_or(|m| *v <= m);
                if !values.iter().any(inside) {
                    return Err(overlap_err(
                        "`min`/`max` leave none of the choice's values".into(),
                    ));
                }
            }
            Distribution::LogNormal { .. } => {
                if var.max.is_some_and(|m| m <= 0.0) {
                    return Err(overlap_err(
                        "a lognormal is positive: `max` must be > 0".into(),
                    ));
                }
            }
            Distribution::Normal { .. } => {}
        }
        Ok(var)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Space, SpaceError> {
        Space::parse(text, Path::new("s.toml"))
    }

    fn err(text: &str) -> (usize, usize, String) {
        let e = parse(text).unwrap_err();
        (e.line, e.col, e.message)
    }

    const FILE: &str = r#"# a scenario
domain = "toy"

[run]
ticks = 10

[demand]
initial_level = { lognormal = [0.6, 0.25] }   # median, sigma
noise = 0.1
shape = { a = 1, b = 2 }

[[agents]]
kind = "consumer"
count = { choice = [4, 8, 16] }

[[agents]]
kind = "speculator"
capital = { uniform = [250.0, 2000.0] }
rate = { normal = [1.0, 0.2], min = 0.1 }
hurdle = { range = [0.0, 0.2] }
"#;

    #[test]
    fn every_kind_is_found_with_a_readable_name_and_position() {
        let s = parse(FILE).unwrap();
        let names: Vec<&str> = s.variables().iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "demand.initial_level",
                "agents[0].count",
                "agents[1].capital",
                "agents[1].rate",
                "agents[1].hurdle"
            ]
        );
        let v = &s.variables()[0];
        assert_eq!((v.line, v.col), (8, 17));
        assert!(matches!(
            v.distribution,
            Distribution::LogNormal { median, sigma } if median == 0.6 && sigma == 0.25
        ));
        assert!(!v.integer);
        assert!(s.variables()[1].integer, "choice of integers");
        assert!(!s.variables()[2].integer, "floats");
        assert_eq!(s.variables()[3].min, Some(0.1));
    }

    #[test]
    fn nominal_values_and_rendering_keep_the_rest_of_the_text() {
        let s = parse(FILE).unwrap();
        assert_eq!(s.nominal(), vec![0.6, 4.0, 1125.0, 1.0, 0.1]);
        let text = s.render_nominal();
        assert!(
            text.contains("initial_level = 0.6   # median, sigma"),
            "{text}"
        );
        assert!(text.contains("count = 4\n"), "{text}");
        assert!(text.contains("capital = 1125.0\n"), "{text}");
        assert!(text.contains("shape = { a = 1, b = 2 }"), "{text}");
        assert!(text.starts_with("# a scenario\ndomain = \"toy\""));
        // The rendered text has no variables left and parses as plain TOML.
        let again = parse(&text).unwrap();
        assert!(again.is_empty());
        let v: toml_edit::DocumentMut = text.parse().unwrap();
        assert_eq!(v["agents"][1]["capital"].as_float(), Some(1125.0));
        assert_eq!(v["agents"][0]["count"].as_integer(), Some(4));
    }

    #[test]
    fn a_file_without_variables_renders_to_itself() {
        let t = "[run]\nticks = 1\nx = { a = 1 }\n";
        let s = parse(t).unwrap();
        assert!(s.is_empty());
        assert_eq!(s.render(&[]), t);
    }

    #[test]
    fn quantiles_follow_each_distribution() {
        let s = parse(FILE).unwrap();
        let lv = &s.variables()[0];
        assert!((lv.quantile(0.5) - 0.6).abs() < 1e-12);
        // 84.13% quantile of a lognormal = median * e^sigma.
        assert!((lv.quantile(0.841_344_746) - 0.6 * 0.25f64.exp()).abs() < 1e-6);
        let choice = &s.variables()[1];
        assert_eq!(choice.quantile(0.1), 4.0);
        assert_eq!(choice.quantile(0.5), 8.0);
        assert_eq!(choice.quantile(0.9), 16.0);
        let uni = &s.variables()[2];
        assert_eq!(uni.quantile(0.0), 250.0);
        assert!((uni.quantile(0.5) - 1125.0).abs() < 1e-9);
        let rate = &s.variables()[3];
        assert_eq!(rate.quantile(1e-9), 0.1, "clipped at min");
    }

    #[test]
    fn the_box_spans_three_sigma_of_unbounded_distributions() {
        let s = parse(FILE).unwrap();
        let (lo, hi) = s.variables()[0].bounds();
        assert!((lo - 0.6 * (-0.75f64).exp()).abs() < 1e-12);
        assert!((hi - 0.6 * 0.75f64.exp()).abs() < 1e-12);
        assert!(
            (s.variables()[0].at_box(0.5) - 0.6).abs() < 1e-12,
            "geometric centre"
        );
        assert_eq!(s.variables()[1].bounds(), (4.0, 16.0));
        assert_eq!(s.variables()[1].at_box(0.5), 8.0);
        assert_eq!(s.variables()[2].bounds(), (250.0, 2000.0));
        // normal(1, 0.2): 1 - 0.6 = 0.4 (above min 0.1) .. 1.6
        let (lo, hi) = s.variables()[3].bounds();
        assert!((lo - 0.4).abs() < 1e-12 && (hi - 1.6).abs() < 1e-12);
    }

    #[test]
    fn the_nominal_condition_has_a_place_in_the_box() {
        let s = parse(FILE).unwrap();
        let t = s.nominal_box();
        // lognormal median and normal mean: the centre; choice [4, 8, 16]: 4 is the lowest.
        assert!((t[0] - 0.5).abs() < 1e-12, "{t:?}");
        assert_eq!(t[1], 0.0);
        assert!((t[2] - 0.5).abs() < 1e-12);
        let back = s.at_box(&t);
        for (a, b) in back.iter().zip(s.nominal()) {
            assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "{back:?}");
        }
        let c = parse("c = { choice = [4, 2, 6, 8] }\n").unwrap();
        assert!((c.nominal_box()[0] - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(c.at_box(&c.nominal_box()), vec![4.0]);
    }

    #[test]
    fn integers_are_whole_in_every_map() {
        let s = parse("n = { range = [2, 8] }\nm = { normal = [5, 1.5], min = 1 }\n").unwrap();
        let n = &s.variables()[0];
        assert!(n.integer);
        assert_eq!(n.nominal(), 5.0);
        for i in 0..100 {
            let u = (i as f64 + 0.5) / 100.0;
            let x = n.quantile(u);
            assert_eq!(x, x.round());
            assert!((2.0..=8.0).contains(&x));
        }
        // Each of the 7 whole numbers equally likely.
        assert_eq!(n.quantile(0.01), 2.0);
        assert_eq!(n.quantile(0.99), 8.0);
        assert_eq!(n.at_box(0.3), 4.0);
        let m = &s.variables()[1];
        assert!(m.integer);
        assert_eq!(
            m.bounds(),
            (1.0, 10.0),
            "5 - 4.5 clipped at 1, 5 + 4.5 rounded"
        );
        assert_eq!(s.render(&[3.0, 7.0]), "n = 3\nm = 7\n");
        let f = parse("x = { range = [2, 8], integer = false }\n").unwrap();
        assert!(!f.variables()[0].integer);
        assert_eq!(f.render(&[2.5]), "x = 2.5\n");
    }

    #[test]
    fn choice_weights_are_normalised() {
        let s = parse("c = { choice = [1.0, 2.0, 3.0], weights = [1, 2, 1] }\n").unwrap();
        match &s.variables()[0].distribution {
            Distribution::Choice { weights, .. } => assert_eq!(weights, &vec![0.25, 0.5, 0.25]),
            d => panic!("{d:?}"),
        }
        assert_eq!(s.variables()[0].quantile(0.2), 1.0);
        assert_eq!(s.variables()[0].quantile(0.7), 2.0);
        assert_eq!(s.variables()[0].quantile(0.8), 3.0);
    }

    #[test]
    fn variables_inside_inline_tables_and_arrays_are_found() {
        let s = parse("[a]\nb = { c = { uniform = [0.0, 1.0] } }\nd = [1.0, { range = [0, 3] }]\n")
            .unwrap();
        let names: Vec<&str> = s.variables().iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["a.b.c", "a.d[1]"]);
        assert_eq!(
            s.render(&[0.25, 2.0]),
            "[a]\nb = { c = 0.25 }\nd = [1.0, 2]\n"
        );
    }

    #[test]
    fn malformed_distributions_are_errors_at_their_position() {
        let cases: &[(&str, (usize, usize), &str)] = &[
            (
                "[d]\nx = { lognormal = [0.6] }\n",
                (2, 19),
                "takes [median, sigma of ln], found 1",
            ),
            (
                "[d]\nx = { lognormal = [-1.0, 0.2] }\n",
                (2, 19),
                "median must be > 0",
            ),
            (
                "[d]\nx = { lognormal = [1.0, 0.0] }\n",
                (2, 19),
                "sigma (of ln) must be > 0",
            ),
            (
                "x = { normal = [1.0, -0.5] }\n",
                (1, 16),
                "standard deviation must be > 0",
            ),
            (
                "x = { uniform = [5.0, 1.0] }\n",
                (1, 17),
                "must be below the high bound",
            ),
            (
                "x = { range = [1.0, \"a\"] }\n",
                (1, 21),
                "expected a number, found string",
            ),
            (
                "x = { range = 3 }\n",
                (1, 15),
                "expected an array of numbers",
            ),
            ("x = { choice = [] }\n", (1, 16), "at least one value"),
            (
                "x = { choice = [1, 2], weights = [1] }\n",
                (1, 34),
                "1 weight(s) for 2 value(s)",
            ),
            (
                "x = { choice = [1, 2], weights = [1, -1] }\n",
                (1, 34),
                "weights must be >= 0",
            ),
            (
                "x = { normal = [1.0, 0.1], weights = [1] }\n",
                (1, 28),
                "belongs to a `choice`",
            ),
            (
                "x = { normal = [1.0, 0.1], mx = 3 }\n",
                (1, 28),
                "unknown key `mx`",
            ),
            (
                "x = { normal = [1.0, 0.1], uniform = [0, 1] }\n",
                (1, 28),
                "found both",
            ),
            (
                "x = { lognorml = [1.0, 0.1] }\n",
                (1, 7),
                "did you mean `lognormal`",
            ),
            (
                "x = { range = [0.0, 1.0], min = 2.0, max = 1.0 }\n",
                (1, 33),
                "must be below `max`",
            ),
            (
                "x = { range = [0.0, 1.0], min = 2.0 }\n",
                (1, 33),
                "leave nothing",
            ),
            (
                "x = { range = [0.2, 0.8], integer = true }\n",
                (1, 15),
                "no whole number",
            ),
            (
                "x = { range = [0, 1], integer = 1 }\n",
                (1, 33),
                "true or false",
            ),
            ("x = { normal = [nan, 1.0] }\n", (1, 17), "finite"),
            ("x = { normal = [1.0, 1.0] \n", (1, 26), "TOML"),
        ];
        for (text, pos, msg) in cases {
            let (line, col, m) = err(text);
            assert_eq!((line, col), *pos, "{text}: {m}");
            assert!(m.contains(msg), "{text}: {m}");
        }
        let e = parse("a = 1\n[agents]\nc = { uniform = [2.0] }\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("s.toml:3:17: `agents.c`: `uniform` takes"),
            "{e}"
        );
    }

    #[test]
    fn crlf_and_bom_give_the_positions_of_the_lf_file() {
        let lf = "a = 1\nx = { normal = [1.0, -0.5] }\n";
        let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
        assert_eq!(err(lf), err(&crlf));
    }

    #[test]
    fn literals_keep_integer_and_float_apart() {
        assert_eq!(literal(500.0, false), "500.0");
        assert_eq!(literal(1e-7, false), "1e-7");
        assert_eq!(literal(0.25, false), "0.25");
        assert_eq!(literal(3.0, true), "3");
        assert_eq!(literal(-2.0, true), "-2");
    }
}
