//! Properties of decoding and positions.

use proptest::prelude::*;
use tsynth_text::{decode, line_col};

/// Pieces text is made of: line ends of all three kinds, ASCII, multi-byte characters.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a", "b", " ", "é", "€", "😀", "\n", "\r\n", "\r", "\t",
    ])
}

proptest! {
    #[test]
    fn normalised_text_has_no_cr_and_positions_agree(pieces in prop::collection::vec(piece(), 0..60), bom in any::<bool>()) {
        let raw: String = pieces.concat();
        let mut bytes = if bom { tsynth_text::BOM.to_vec() } else { Vec::new() };
        bytes.extend_from_slice(raw.as_bytes());
        let t = decode("p", bytes.clone()).unwrap();
        prop_assert!(!t.as_str().contains('\r'));
        // every character of the normalised text maps back to a byte of the file with the
        // same line:col there
        let skip = if bom { 3 } else { 0 };
        for (i, c) in t.as_str().char_indices() {
            let o = t.original_offset(i);
            let back = &bytes[o..];
            let orig_char = std::str::from_utf8(back).unwrap().chars().next().unwrap();
            if c == '\n' {
                prop_assert!(orig_char == '\n' || orig_char == '\r');
            } else {
                prop_assert_eq!(orig_char, c);
            }
            prop_assert_eq!(t.line_col(i), line_col(&raw, o - skip));
        }
        // idempotent
        let again = decode("p", t.as_str().as_bytes().to_vec()).unwrap();
        prop_assert_eq!(again.as_str(), t.as_str());
    }

    #[test]
    fn invalid_byte_is_reported_where_it_is(pieces in prop::collection::vec(piece(), 0..40), bad in 0x80u8..=0xFF) {
        let raw: String = pieces.concat();
        // 0x80..=0xBF is a lone continuation byte, 0xC0/0xC1/0xF5.. never valid; 0xC2..=0xF4
        // starts a sequence that the following ASCII `x` cuts short: invalid in every case.
        let mut bytes = raw.as_bytes().to_vec();
        bytes.push(bad);
        bytes.push(b'x');
        let e = decode("p", bytes).unwrap_err();
        match e {
            tsynth_text::TextError::InvalidUtf8 { offset, byte, line, col, .. } => {
                prop_assert_eq!(offset, raw.len());
                prop_assert_eq!(byte, bad);
                prop_assert_eq!((line, col), line_col(&raw, raw.len()));
            }
            other => prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn line_col_is_monotonic(s in "[a-z\\n\\ré]{0,40}") {
        let mut last = (1, 1);
        for (i, _) in s.char_indices() {
            let lc = line_col(&s, i);
            prop_assert!(lc >= last);
            last = lc;
        }
    }
}

#[test]
fn read_text_reads_a_crlf_file_with_bom() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.grammar");
    std::fs::write(&p, b"\xEF\xBB\xBFgrammar x\r\nstart y\r").unwrap();
    let t = tsynth_text::read_text(&p).unwrap();
    assert_eq!(t.as_str(), "grammar x\nstart y\n");
    assert_eq!(t.path(), p.as_path());
}

proptest! {
    #[test]
    fn line_index_agrees_with_line_col(pieces in prop::collection::vec(piece(), 0..60), extra in 0usize..4) {
        let raw: String = pieces.concat();
        let ix = tsynth_text::LineIndex::new(&raw);
        let mut cursor = tsynth_text::Cursor::new(&raw);
        for o in 0..=raw.len() + extra {
            prop_assert_eq!(ix.line_col(o), line_col(&raw, o));
            prop_assert_eq!(cursor.line_col(o), line_col(&raw, o));
        }
    }
}
