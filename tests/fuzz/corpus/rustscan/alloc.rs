// #[global_allocator] static NOT: dhat::Alloc = dhat::Alloc; (a comment)
use dhat::{self, Alloc};
/* nested /* block */ comment */
const S: &str = "#[global_allocator]";
const R: &str = r#"static A: dhat::Alloc = dhat::Alloc;"#;
fn f<'a>(x: &'a str) -> char { 'x' }
#[cfg(feature = "dhat-heap")]
#[global_allocator]
#[allow(unused)]
pub(crate) static ALLOC: Alloc = Alloc;
