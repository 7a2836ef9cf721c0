//! The commands that write folders, each through the one [`Folder`] writer.

pub(crate) mod analysis;
pub(crate) mod bench;
pub(crate) mod bench_screen;
pub(crate) mod cluster;
pub(crate) mod compare;
pub(crate) mod folder;
pub(crate) mod internal;
pub(crate) mod mine;
pub(crate) mod run;

pub use folder::Folder;
