use crate::array::{BinaryArray, ListArray, Utf8Array};
pub use crate::legacy::array::default_arrays::*;
pub use crate::legacy::array::*;
pub use crate::legacy::index::*;
pub use crate::legacy::kernels::{Ambiguous, NonExistent};

pub type LargeStringArray = Utf8Array<i64>;
pub type LargeBinaryArray = BinaryArray<i64>;
pub type LargeListArray = ListArray<i64>;
