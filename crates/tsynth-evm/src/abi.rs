//! Dynamic ABI: calling contracts known only at run time through solc's JSON ABI.

use alloy_dyn_abi::{DynSolType, DynSolValue, FunctionExt, JsonAbiExt, Specifier};
use alloy_json_abi::{Function, JsonAbi};
use alloy_primitives::{Address, Bytes};

use crate::{
    error::{AbiError, EvmError},
    world::World,
};

/// Parses solc's JSON ABI (the `abi` array of a contract's output). `source_name` names
/// the file or artifact in the error, which also carries the line and column.
pub fn parse_json_abi(source_name: &str, json: &str) -> Result<JsonAbi, AbiError> {
    serde_json::from_str(json).map_err(|e| AbiError::Json {
        source_name: source_name.to_string(),
        message: e.to_string(),
    })
}

/// Picks the function `name` refers to. `name` is either a bare name (`"swap"`) — resolved
/// among overloads by argument count and then by argument types — or a full signature
/// (`"swap(uint256,address)"`).
pub fn resolve_function<'a>(
    abi: &'a JsonAbi,
    name: &str,
    args: &[DynSolValue],
) -> Result<&'a Function, AbiError> {
    if name.contains('(') {
        let bare = &name[..name.find('(').unwrap_or(name.len())];
        return abi
            .function(bare)
            .and_then(|fs| fs.iter().find(|f| f.signature() == name))
            .ok_or_else(|| AbiError::UnknownFunction(name.to_string()));
    }
    let overloads = abi
        .function(name)
        .ok_or_else(|| AbiError::UnknownFunction(name.to_string()))?;
    let by_arity: Vec<&Function> = overloads
        .iter()
        .filter(|f| f.inputs.len() == args.len())
        .collect();
    match by_arity.as_slice() {
        [] => Err(AbiError::WrongArity {
            name: name.to_string(),
            expected: overloads
                .iter()
                .map(|f| f.inputs.len().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            given: args.len(),
        }),
        [only] => Ok(only),
        several => {
            let typed: Vec<&Function> = several
                .iter()
                .copied()
                .filter(|f| inputs_match(f, args))
                .collect();
            match typed.as_slice() {
                [only] => Ok(only),
                _ => Err(AbiError::AmbiguousFunction {
                    name: name.to_string(),
                    arity: args.len(),
                    count: several.len(),
                    example: several[0].signature(),
                }),
            }
        }
    }
}

fn inputs_match(f: &Function, args: &[DynSolValue]) -> bool {
    f.inputs.iter().zip(args).all(|(param, value)| {
        param
            .resolve()
            .is_ok_and(|ty: DynSolType| ty.matches(value))
    })
}

/// ABI-encodes a call of `name` with `args` (selector included).
pub fn encode_call(abi: &JsonAbi, name: &str, args: &[DynSolValue]) -> Result<Bytes, AbiError> {
    let function = resolve_function(abi, name, args)?;
    function
        .abi_encode_input(args)
        .map(Bytes::from)
        .map_err(|e| AbiError::Encode {
            item: function.signature(),
            message: e.to_string(),
        })
}

/// ABI-encodes constructor arguments as declared by `abi` (to append to creation code).
/// An ABI without a constructor accepts only an empty argument list.
pub fn encode_constructor_args(abi: &JsonAbi, args: &[DynSolValue]) -> Result<Vec<u8>, AbiError> {
    match &abi.constructor {
        Some(ctor) => ctor.abi_encode_input(args).map_err(|e| AbiError::Encode {
            item: format!(
                "constructor({})",
                ctor.inputs
                    .iter()
                    .map(|p| p.selector_type().into_owned())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            message: e.to_string(),
        }),
        None if args.is_empty() => Ok(Vec::new()),
        None => Err(AbiError::NoConstructor(args.len())),
    }
}

impl World {
    fn run_dyn(
        &mut self,
        from: Address,
        to: Address,
        abi: &JsonAbi,
        name: &str,
        args: &[DynSolValue],
        commit: bool,
    ) -> Result<Vec<DynSolValue>, EvmError> {
        let function = resolve_function(abi, name, args)?;
        let data = function
            .abi_encode_input(args)
            .map_err(|e| AbiError::Encode {
                item: function.signature(),
                message: e.to_string(),
            })?;
        let result = if commit {
            self.call(from, to, data.into())
        } else {
            self.dry_run(from, to, data.into())
        };
        let out = result.map_err(|e| name_revert(e, abi))?;
        function.abi_decode_output(&out.output).map_err(|e| {
            EvmError::Abi(AbiError::Decode {
                item: function.signature(),
                message: e.to_string(),
            })
        })
    }

    /// Calls function `name` (bare name or full signature) of the contract at `to`, described
    /// by its JSON `abi`, with `args`; commits and returns the decoded outputs. Custom-error
    /// reverts are named from `abi`.
    pub fn call_dyn(
        &mut self,
        from: Address,
        to: Address,
        abi: &JsonAbi,
        name: &str,
        args: &[DynSolValue],
    ) -> Result<Vec<DynSolValue>, EvmError> {
        self.run_dyn(from, to, abi, name, args, true)
    }

    /// Like [`World::call_dyn`] without changing any state.
    pub fn dry_run_dyn(
        &mut self,
        from: Address,
        to: Address,
        abi: &JsonAbi,
        name: &str,
        args: &[DynSolValue],
    ) -> Result<Vec<DynSolValue>, EvmError> {
        self.run_dyn(from, to, abi, name, args, false)
    }

    /// Deploys `creation` code with constructor `args` encoded from the JSON `abi`.
    /// Custom-error reverts of the constructor are named from `abi`.
    pub fn deploy_dyn(
        &mut self,
        from: Address,
        creation: &[u8],
        abi: &JsonAbi,
        args: &[DynSolValue],
    ) -> Result<Address, EvmError> {
        let encoded = encode_constructor_args(abi, args)?;
        self.deploy(from, creation, &encoded)
            .map_err(|e| name_revert(e, abi))
    }
}

fn name_revert(err: EvmError, abi: &JsonAbi) -> EvmError {
    match err {
        EvmError::Revert(mut reason) => {
            reason.name_with(abi);
            EvmError::Revert(reason)
        }
        other => other,
    }
}
