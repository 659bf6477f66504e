use std::collections::VecDeque;

use polars_error::{PolarsResult, polars_bail, polars_err};

use super::super::Node;
use crate::array::NullArray;
use crate::datatypes::ArrowDataType;
use crate::io::ipc::read::array::{try_get_array_length, try_get_field_node};

pub fn read_null(
    field_nodes: &mut VecDeque<Node>,
    dtype: ArrowDataType,
    limit: Option<usize>,
) -> PolarsResult<NullArray> {
    let field_node = try_get_field_node(field_nodes, &dtype)?;

    let length = try_get_array_length(field_node, limit)?;

    // insightflow patch: a null array has no buffers, yet its validity bitmap is allocated at
    // the length the file declares (a few bytes could ask for hundreds of GB); the bitmap is
    // taken from the thread's decompression allowance first.
    if !crate::io::ipc::read::take_decompression_allowance(length.div_ceil(8)) {
        polars_bail!(ComputeError: "IPC: a null column declares more rows than the allowance holds")
    }
    NullArray::try_new(dtype, length)
}

pub fn skip_null(field_nodes: &mut VecDeque<Node>) -> PolarsResult<()> {
    let _ = field_nodes.pop_front().ok_or_else(|| {
        polars_err!(
            oos = "IPC: unable to fetch the field for null. The file or stream is corrupted."
        )
    })?;
    Ok(())
}
