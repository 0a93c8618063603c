// #[global_allocator]
// static ALLOC: dhat::Alloc = dhat::Alloc;
#[global_allocator]
static ALLOC: std::alloc::System = std::alloc::System;
fn main() {}
