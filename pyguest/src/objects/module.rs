//! Module objects: a name and the module's globals dict. Importing is `import.rs`.

use crate::objects::*;
use crate::value::{Kind, Value};
use metatracer::gc::Gc;
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct ModuleObj {
    pub kind: Kind,
    pub name: Value,
    pub dict: Gc<DictObj>,
}

downcast!(as_module, ModuleObj, Module);
