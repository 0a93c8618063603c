#[cfg(target_os = "linux")]
#[global_allocator]
#[allow(dead_code)]
pub(crate) static ALLOC: ::dhat::Alloc = ::dhat::Alloc;

fn main() {}
