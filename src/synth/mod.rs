//! placeholder
use crate::calendar::Month;
use crate::schema::Schema;
use std::path::Path;
pub struct Config { pub schemes: u32, pub months: u32, pub start: Month, pub seed: u64 }
pub fn write(_out: &Path, _cfg: &Config, _schema: &Schema) -> Result<usize, String> { Err("synth is not built yet".into()) }
