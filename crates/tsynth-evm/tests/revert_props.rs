//! Property tests: revert data produced by the ABI encoders always decodes back to the
//! same typed reason.

use alloy_sol_types::{Panic, Revert, SolError};
use proptest::prelude::*;
use tsynth_evm::{Bytes, RevertReason, U256, panic_name};

proptest! {
    #[test]
    fn error_string_round_trips(msg in ".{0,200}") {
        let data = Revert { reason: msg.clone() }.abi_encode();
        prop_assert_eq!(RevertReason::decode(&data), RevertReason::Error(msg));
    }

    #[test]
    fn panic_code_round_trips(code in any::<u64>()) {
        let code = U256::from(code);
        let data = Panic { code }.abi_encode();
        prop_assert_eq!(
            RevertReason::decode(&data),
            RevertReason::Panic { code, name: panic_name(code) }
        );
    }

    #[test]
    fn other_selectors_are_custom(selector in any::<[u8; 4]>(), args in proptest::collection::vec(any::<u8>(), 0..100)) {
        prop_assume!(selector != Revert::SELECTOR && selector != Panic::SELECTOR);
        let mut data = selector.to_vec();
        data.extend_from_slice(&args);
        prop_assert_eq!(
            RevertReason::decode(&data),
            RevertReason::Custom { selector, data: Bytes::from(args), name: None }
        );
    }

    #[test]
    fn short_data_is_raw(data in proptest::collection::vec(any::<u8>(), 1..4)) {
        prop_assert_eq!(RevertReason::decode(&data), RevertReason::Raw(Bytes::from(data.clone())));
    }
}
