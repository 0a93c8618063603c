#[global_allocator]
static ALLOC: heap_prof::Alloc = heap_prof::Alloc;
fn main() {}
