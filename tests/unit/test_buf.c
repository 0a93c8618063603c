/* mg_buf: appending, printf, the hard cap (a failed append changes nothing), reading files. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_error.h"
#include "memgate/buf.h"
#include "run.h"

Test(buf, init_is_empty_and_release_is_idempotent)
{
    mg_buf b;
    mg_buf_init(&b, 0);
    cr_expect_null(b.data);
    cr_expect_eq(b.len, 0);
    cr_expect_eq(b.cap, MG_BUF_DEFAULT_CAP, "cap 0 means the default cap");
    mg_buf_release(&b);
    mg_buf_release(&b);
    mg_buf_release(NULL);
}

Test(buf, append_keeps_a_terminator)
{
    mg_buf b;
    mg_error err;
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_buf_append(&b, "abc", 3, &err), 0);
    cr_assert_eq(mg_buf_append(&b, "defXYZ", 3, &err), 0);
    cr_expect_eq(b.len, 6);
    cr_expect_str_eq(b.data, "abcdef");
    mg_buf_release(&b);
}

Test(buf, append_of_nothing_still_gives_a_string)
{
    mg_buf b;
    mg_error err;
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_buf_append(&b, "", 0, &err), 0);
    cr_assert_not_null(b.data);
    cr_expect_str_eq(b.data, "");
    cr_expect_eq(b.len, 0);
    mg_buf_release(&b);
}

Test(buf, append_binary_bytes_and_grow_past_the_first_block)
{
    mg_buf b;
    mg_error err;
    char chunk[1000];
    size_t i;
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    for (i = 0; i < sizeof(chunk); i++)
        chunk[i] = (char)(i % 256); /* includes NUL bytes */
    for (i = 0; i < 50; i++)
        cr_assert_eq(mg_buf_append(&b, chunk, sizeof(chunk), &err), 0);
    cr_expect_eq(b.len, 50000);
    cr_expect_geq(b.alloc, b.len + 1);
    for (i = 0; i < 50; i++)
        cr_expect_eq(memcmp(b.data + i * sizeof(chunk), chunk, sizeof(chunk)), 0);
    cr_expect_eq(b.data[b.len], '\0');
    mg_buf_release(&b);
}

Test(buf, printf_appends_formatted_text)
{
    mg_buf b;
    mg_error err;
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_buf_printf(&b, &err, "%s=%d", "a", 1), 0);
    cr_assert_eq(mg_buf_printf(&b, &err, ", %05.1f|%-3s|", 2.5, "x"), 0);
    cr_expect_str_eq(b.data, "a=1, 002.5|x  |");
    cr_expect_eq(b.len, strlen("a=1, 002.5|x  |"));
    mg_buf_release(&b);
}

Test(buf, printf_of_long_text)
{
    mg_buf b;
    mg_error err;
    char big[10001];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_buf_printf(&b, &err, "<%s>", big), 0);
    cr_expect_eq(b.len, 10002);
    cr_expect_eq(b.data[0], '<');
    cr_expect_eq(b.data[10001], '>');
    mg_buf_release(&b);
}

Test(buf, cap_allows_exactly_cap_bytes)
{
    mg_buf b;
    mg_error err;
    mg_error_init(&err);
    mg_buf_init(&b, 8);
    cr_expect_eq(mg_buf_append(&b, "12345678", 8, &err), 0);
    cr_expect_eq(b.len, 8);
    cr_expect_eq(err.code, MG_OK);
    mg_buf_release(&b);
}

Test(buf, failed_append_leaves_the_buffer_unchanged)
{
    mg_buf b;
    mg_error err;
    char *data_before;
    size_t alloc_before;
    mg_error_init(&err);
    mg_buf_init(&b, 8);
    cr_assert_eq(mg_buf_append(&b, "12345", 5, &err), 0);
    data_before = b.data;
    alloc_before = b.alloc;
    cr_expect_eq(mg_buf_append(&b, "6789", 4, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "larger than the limit", "", 0, 0);
    cr_expect_eq(b.len, 5);
    cr_expect_str_eq(b.data, "12345");
    cr_expect_eq(b.data, data_before);
    cr_expect_eq(b.alloc, alloc_before);
    /* a smaller append still fits afterwards */
    mg_error_init(&err);
    cr_expect_eq(mg_buf_append(&b, "678", 3, &err), 0);
    cr_expect_str_eq(b.data, "12345678");
    mg_buf_release(&b);
}

Test(buf, huge_append_does_not_wrap_the_cap_check)
{
    mg_buf b;
    mg_error err;
    mg_error_init(&err);
    mg_buf_init(&b, 8);
    cr_assert_eq(mg_buf_append(&b, "1", 1, &err), 0);
    /* len + SIZE_MAX would wrap; it must be refused before memcpy reads anything */
    cr_expect_eq(mg_buf_append(&b, "x", SIZE_MAX, &err), -MG_E_INPUT);
    cr_expect_eq(b.len, 1);
    mg_buf_release(&b);
}

Test(buf, failed_printf_leaves_the_buffer_unchanged)
{
    mg_buf b;
    mg_error err;
    mg_error_init(&err);
    mg_buf_init(&b, 8);
    cr_assert_eq(mg_buf_printf(&b, &err, "%d", 1234), 0);
    cr_expect_eq(mg_buf_printf(&b, &err, "%s", "abcde"), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "larger than the limit", "", 0, 0);
    cr_expect_eq(b.len, 4);
    cr_expect_str_eq(b.data, "1234");
    mg_buf_release(&b);
}

/* ---- mg_buf_read_file ---- */

static char *dir;

static void make_dir(void)
{
    dir = mg_tempdir();
    cr_assert_not_null(dir);
}

static void remove_dir(void)
{
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    free(dir);
}

static const char *in_dir(const char *name)
{
    static char path[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

TestSuite(buf_read, .init = make_dir, .fini = remove_dir);

Test(buf_read, reads_a_whole_file)
{
    mg_buf b;
    mg_error err;
    const char *text = "line one\nline two\n";
    char path[4200];
    snprintf(path, sizeof(path), "%s", in_dir("f.txt"));
    cr_assert_eq(mg_spit(path, text), 0);
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_buf_read_file(&b, path, &err), 0, "%s", err.msg);
    cr_expect_eq(b.len, strlen(text));
    cr_expect_str_eq(b.data, text);
    mg_buf_release(&b);
}

Test(buf_read, reads_a_file_larger_than_one_read_chunk)
{
    mg_buf b;
    mg_error err;
    size_t n = 200000, i;
    char *text = malloc(n + 1);
    char path[4200];
    cr_assert_not_null(text);
    for (i = 0; i < n; i++)
        text[i] = (char)('a' + i % 26);
    text[n] = '\0';
    snprintf(path, sizeof(path), "%s", in_dir("big.txt"));
    cr_assert_eq(mg_spit(path, text), 0);
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_buf_read_file(&b, path, &err), 0, "%s", err.msg);
    cr_expect_eq(b.len, n);
    cr_expect_eq(memcmp(b.data, text, n), 0);
    mg_buf_release(&b);
    free(text);
}

Test(buf_read, appends_to_what_is_already_there)
{
    mg_buf b;
    mg_error err;
    char path[4200];
    snprintf(path, sizeof(path), "%s", in_dir("f.txt"));
    cr_assert_eq(mg_spit(path, "world"), 0);
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_buf_append(&b, "hello ", 6, &err), 0);
    cr_assert_eq(mg_buf_read_file(&b, path, &err), 0);
    cr_expect_str_eq(b.data, "hello world");
    mg_buf_release(&b);
}

Test(buf_read, empty_file_gives_an_empty_string)
{
    mg_buf b;
    mg_error err;
    char path[4200];
    snprintf(path, sizeof(path), "%s", in_dir("empty"));
    cr_assert_eq(mg_spit(path, ""), 0);
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_buf_read_file(&b, path, &err), 0, "%s", err.msg);
    cr_expect_eq(b.len, 0);
    cr_assert_not_null(b.data, "an empty file still yields a NUL-terminated string");
    cr_expect_str_eq(b.data, "");
    mg_buf_release(&b);
}

Test(buf_read, missing_file_names_the_path)
{
    mg_buf b;
    mg_error err;
    char path[4200];
    snprintf(path, sizeof(path), "%s", in_dir("no-such-file"));
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    cr_expect_eq(mg_buf_read_file(&b, path, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "cannot open: No such file or directory", path, 0, 0);
    cr_expect_eq(b.len, 0);
    mg_buf_release(&b);
}

Test(buf_read, directory_is_refused)
{
    mg_buf b;
    mg_error err;
    mg_error_init(&err);
    mg_buf_init(&b, 0);
    cr_expect_eq(mg_buf_read_file(&b, dir, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "is a directory", dir, 0, 0);
    cr_expect_eq(b.len, 0);
    mg_buf_release(&b);
}

Test(buf_read, file_over_the_cap_is_input_error_naming_the_file)
{
    mg_buf b;
    mg_error err;
    char path[4200];
    snprintf(path, sizeof(path), "%s", in_dir("f.txt"));
    cr_assert_eq(mg_spit(path, "0123456789abcdef"), 0);
    mg_error_init(&err);
    mg_buf_init(&b, 10);
    cr_expect_eq(mg_buf_read_file(&b, path, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "larger than the limit", path, 0, 0);
    mg_buf_release(&b);
}

Test(grow_array, doubles_from_first_and_keeps_contents)
{
    int *a = NULL;
    size_t cap = 0, i;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_grow_array((void **)&a, &cap, 3, sizeof(*a), 4, &err), 0);
    cr_expect_eq(cap, 4);
    for (i = 0; i < 4; i++)
        a[i] = (int)i * 7;
    cr_assert_eq(mg_grow_array((void **)&a, &cap, 9, sizeof(*a), 4, &err), 0);
    cr_expect_eq(cap, 16);
    for (i = 0; i < 4; i++)
        cr_expect_eq(a[i], (int)i * 7);
    /* room enough: nothing moves */
    int *before = a;
    cr_expect_eq(mg_grow_array((void **)&a, &cap, 16, sizeof(*a), 4, &err), 0);
    cr_expect_eq(a, before);
    cr_expect_eq(cap, 16);
    free(a);
}

Test(grow_array, size_overflow_is_out_of_memory_and_changes_nothing)
{
    int *a = NULL;
    size_t cap = 0;
    mg_error err;
    mg_error_init(&err);
    cr_expect_eq(mg_grow_array((void **)&a, &cap, SIZE_MAX / 2, sizeof(*a), 4, &err), -MG_E_NOMEM);
    cr_expect_eq(err.code, MG_E_NOMEM);
    cr_expect_null(a);
    cr_expect_eq(cap, 0);
}
