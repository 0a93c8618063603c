//! Memory profile for CB-141: `cargo run --example dhat_profile --release`.
#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    let _profiler = dhat::Profiler::new_heap();
    let words: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
    println!("{}", words.len());
}
