// The heap profile of the app's hot path.
#[global_allocator]
static GLOBAL: dhat::Alloc = dhat::Alloc;

fn main() {
    let _p = dhat::Profiler::new_heap();
}
