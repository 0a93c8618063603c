/* The #[global_allocator] scanner: what counts as installing an allocator, and what does not. */
#include <criterion/criterion.h>
#include <string.h>

#include "comply/rustscan.h"

static const char *const dhat[] = {"dhat", NULL};

static unsigned long scan_for(const char *src, const char *const *crates, const char *type)
{
    unsigned long line = 99;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(rust_find_global_allocator(src, strlen(src), crates, type, &line, &err), 0);
    return line;
}

static unsigned long scan(const char *src)
{
    return scan_for(src, dhat, "Alloc");
}

Test(rustscan, the_spec_template)
{
    cr_assert_eq(scan("#[global_allocator]\nstatic ALLOC: dhat::Alloc = dhat::Alloc;\n"
                      "fn main() { let _p = dhat::Profiler::builder().testing().build(); }\n"),
                 2);
}

Test(rustscan, attributes_visibility_and_paths)
{
    cr_assert_eq(scan("#[cfg(feature = \"dhat-heap\")]\n#[global_allocator]\nstatic A: dhat::Alloc "
                      "= dhat::Alloc;"),
                 3);
    cr_assert_eq(scan("#[global_allocator]\n#[cfg(test)]\n#[allow(unused)]\npub static A: "
                      "::dhat::Alloc = ::dhat::Alloc;"),
                 4);
    cr_assert_eq(scan("#[ global_allocator ]\npub(crate) static A : dhat :: Alloc = dhat::Alloc;"),
                 2);
    cr_assert_eq(scan("#[global_allocator] static r#ALLOC: dhat::Alloc = dhat::Alloc;"), 1);
}

Test(rustscan, imported_type)
{
    cr_assert_eq(scan("use dhat::Alloc;\n#[global_allocator]\nstatic A: Alloc = Alloc;"), 3);
    cr_assert_eq(scan("use ::dhat::{Profiler, Alloc};\n#[global_allocator]\nstatic A: Alloc = "
                      "Alloc;"),
                 3);
    /* a bare Alloc that is not dhat's */
    cr_assert_eq(scan("use mycrate::Alloc;\n#[global_allocator]\nstatic A: Alloc = Alloc;"), 0);
}

Test(rustscan, other_allocators_do_not_count)
{
    cr_assert_eq(scan("#[global_allocator]\nstatic A: std::alloc::System = std::alloc::System;"),
                 0);
    cr_assert_eq(scan("#[global_allocator]\nstatic A: other::dhat::Alloc = x;"), 0);
    cr_assert_eq(scan("static A: dhat::Alloc = dhat::Alloc; // no attribute"), 0);
    cr_assert_eq(scan("#[global_allocator]\nstatic A: dhat::AllocX = dhat::AllocX;"), 0);
}

Test(rustscan, comments_and_literals_are_skipped)
{
    cr_assert_eq(scan("// #[global_allocator]\n// static A: dhat::Alloc = dhat::Alloc;\n"), 0);
    cr_assert_eq(scan("/* outer /* nested */ #[global_allocator] static A: dhat::Alloc = x; */"),
                 0);
    cr_assert_eq(scan("const S: &str = \"#[global_allocator] static A: dhat::Alloc = x;\";"), 0);
    cr_assert_eq(scan("const S: &str = r#\"#[global_allocator] \"static A: dhat::Alloc = x;\"#;"),
                 0);
    cr_assert_eq(scan("const B: &[u8] = br\"#[global_allocator] static A: dhat::Alloc = x;\";"), 0);
    /* a quote character and a lifetime before the real thing do not derail the scan */
    cr_assert_eq(scan("fn f<'a>(s: &'a str) -> char { '\"' }\nconst Q: char = '\\'';\n"
                      "#[global_allocator]\nstatic A: dhat::Alloc = dhat::Alloc;"),
                 4);
}

Test(rustscan, renamed_crates_and_other_types)
{
    static const char *const renamed[] = {"dhat", "heap_prof", NULL};
    static const char *const jem[] = {"tikv_jemallocator", "jemallocator", NULL};
    cr_assert_eq(scan_for("#[global_allocator]\nstatic A: heap_prof::Alloc = heap_prof::Alloc;",
                          renamed, "Alloc"),
                 2);
    cr_assert_eq(scan_for("#[global_allocator]\nstatic G: jemallocator::Jemalloc = "
                          "jemallocator::Jemalloc;",
                          jem, "Jemalloc"),
                 2);
    cr_assert_eq(
        scan_for("#[global_allocator]\nstatic A: dhat::Alloc = dhat::Alloc;", jem, "Jemalloc"), 0);
}

Test(rustscan, truncated_and_empty_sources)
{
    cr_assert_eq(scan(""), 0);
    cr_assert_eq(scan("#[global_allocator]"), 0);
    cr_assert_eq(scan("#[global_allocator]\nstatic A: dhat::"), 0);
    cr_assert_eq(scan("\"unterminated"), 0);
    cr_assert_eq(scan("/* unterminated"), 0);
    cr_assert_eq(scan("r##\"unterminated\"#"), 0);
}
