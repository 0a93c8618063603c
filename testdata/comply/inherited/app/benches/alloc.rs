use dhat::{Alloc, Profiler};

/* #[global_allocator] static NOPE: std::alloc::System = std::alloc::System; */
#[global_allocator]
static A: Alloc = Alloc;

fn main() {
    let _p = Profiler::new_heap();
    let s = "#[global_allocator] static X: dhat::Alloc";
    let c = '"';
    println!("{s}{c}");
}
