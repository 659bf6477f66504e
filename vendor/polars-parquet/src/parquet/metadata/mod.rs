mod column_chunk_metadata;
mod column_descriptor;
mod column_order;
mod file_metadata;
mod row_metadata;
mod schema_descriptor;
mod sort;

pub use column_chunk_metadata::ColumnChunkMetadata;
pub use column_descriptor::{ColumnDescriptor, Descriptor};
pub use column_order::ColumnOrder;
pub use file_metadata::{FileMetadata, KeyValue};
pub use row_metadata::RowGroupMetadata;
pub use schema_descriptor::SchemaDescriptor;
pub use sort::*;

pub use crate::parquet::thrift_format::FileMetaData as ThriftFileMetadata;
