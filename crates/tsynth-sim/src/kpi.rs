//! KPI series: one row of numbers per tick, the columns named by the engine (tick, block,
//! timestamp) and the domain (everything else); CSV output and plot descriptions.

use serde::{Deserialize, Serialize};

/// The columns the engine writes first in every KPI row.
pub const ENGINE_COLUMNS: [&str; 3] = ["tick", "block", "timestamp"];

/// Per-tick KPIs of one seed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct KpiSeries {
    /// Column names: [`ENGINE_COLUMNS`] then the domain's.
    pub columns: Vec<String>,
    /// One row per recorded tick, `columns.len()` values each.
    pub rows: Vec<Vec<f64>>,
}

impl KpiSeries {
    /// An empty series with the engine's columns followed by `domain_columns`.
    pub fn new(domain_columns: &[String]) -> Self {
        let mut columns: Vec<String> = ENGINE_COLUMNS.iter().map(|s| s.to_string()).collect();
        columns.extend(domain_columns.iter().cloned());
        Self {
            columns,
            rows: Vec::new(),
        }
    }

    /// Index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// `(timestamp, value)` pairs of a column (empty when the column does not exist).
    pub fn series(&self, name: &str) -> Vec<(f64, f64)> {
        let (Some(t), Some(i)) = (self.column("timestamp"), self.column(name)) else {
            return Vec::new();
        };
        self.rows.iter().map(|r| (r[t], r[i])).collect()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes the series as CSV (a header, then one row per tick). Whole numbers print
    /// without a fraction.
    pub fn write_csv(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        writeln!(out, "{}", self.columns.join(","))?;
        for row in &self.rows {
            let mut first = true;
            for v in row {
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                write!(out, "{v}")?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

/// One chart a domain wants drawn from its KPIs (`tsynth sim` draws each, one line per
/// column and seed, over time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlotSpec {
    /// File stem (`<stem>.svg`, `<stem>.png`).
    pub stem: String,
    /// Chart title.
    pub title: String,
    /// Y-axis label.
    pub y_label: String,
    /// KPI columns drawn, with their legend labels.
    pub lines: Vec<(String, String)>,
}

impl PlotSpec {
    /// A chart of `lines` (`(column, label)`).
    pub fn new(stem: &str, title: &str, y_label: &str, lines: &[(&str, &str)]) -> Self {
        Self {
            stem: stem.into(),
            title: title.into(),
            y_label: y_label.into(),
            lines: lines
                .iter()
                .map(|(c, l)| (c.to_string(), l.to_string()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_prints_whole_numbers_plainly() {
        let mut k = KpiSeries::new(&["price".to_string()]);
        k.rows.push(vec![0.0, 1.0, 1_700_000_000.0, 1.25]);
        let mut buf = Vec::new();
        k.write_csv(&mut buf).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "tick,block,timestamp,price\n0,1,1700000000,1.25\n"
        );
        assert_eq!(k.series("price"), vec![(1_700_000_000.0, 1.25)]);
    }
}
