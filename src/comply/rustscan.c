/* A token-level scan of Rust source for the #[global_allocator] static and its type. */
#include "comply/rustscan.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

enum tok_kind { TOK_IDENT, TOK_PUNCT, TOK_PATHSEP, TOK_LITERAL };

typedef struct tok {
    enum tok_kind kind;
    const char *s; /* into the source */
    size_t len;
    unsigned long line;
} tok;

typedef struct lexer {
    const char *s;
    size_t len, pos;
    unsigned long line;
    tok *toks;
    size_t n, cap;
} lexer;

static char at(const lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->len ? lx->s[lx->pos + ahead] : '\0';
}

static void step(lexer *lx, size_t n)
{
    for (; n && lx->pos < lx->len; n--)
        if (lx->s[lx->pos++] == '\n')
            lx->line++;
}

static bool ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (unsigned char)c >= 0x80;
}

static bool ident_char(char c)
{
    return ident_start(c) || (c >= '0' && c <= '9');
}

static int push(lexer *lx, enum tok_kind kind, size_t start, unsigned long line, mg_error *err)
{
    if (lx->n == lx->cap) {
        size_t ncap = lx->cap ? lx->cap * 2 : 256;
        tok *n = ncap <= SIZE_MAX / sizeof(*n) ? realloc(lx->toks, ncap * sizeof(*n)) : NULL;
        if (!n)
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        lx->toks = n;
        lx->cap = ncap;
    }
    lx->toks[lx->n].kind = kind;
    lx->toks[lx->n].s = lx->s + start;
    lx->toks[lx->n].len = lx->pos - start;
    lx->toks[lx->n].line = line;
    lx->n++;
    return 0;
}

/* Block comments nest in Rust. */
static void skip_block_comment(lexer *lx)
{
    unsigned depth = 0;
    do {
        if (at(lx, 0) == '/' && at(lx, 1) == '*') {
            depth++;
            step(lx, 2);
        } else if (at(lx, 0) == '*' && at(lx, 1) == '/') {
            depth--;
            step(lx, 2);
        } else {
            step(lx, 1);
        }
    } while (depth && lx->pos < lx->len);
}

/* "..." with backslash escapes; the cursor is on the opening quote. */
static void skip_quoted(lexer *lx)
{
    step(lx, 1);
    while (lx->pos < lx->len && at(lx, 0) != '"')
        step(lx, at(lx, 0) == '\\' ? 2 : 1);
    step(lx, 1);
}

/* r"...", r#"..."#: the cursor is on the first '#' or '"' after the r. */
static void skip_raw(lexer *lx)
{
    size_t hashes = 0, i;
    while (at(lx, 0) == '#') {
        hashes++;
        step(lx, 1);
    }
    step(lx, 1); /* " */
    while (lx->pos < lx->len) {
        if (at(lx, 0) == '"') {
            for (i = 0; i < hashes && at(lx, 1 + i) == '#'; i++)
                ;
            if (i == hashes) {
                step(lx, 1 + hashes);
                return;
            }
        }
        step(lx, 1);
    }
}

/* Length of the raw-string prefix at the cursor (r, br, cr then #* then "), or 0. */
static size_t raw_prefix(const lexer *lx)
{
    size_t i = (at(lx, 0) == 'b' || at(lx, 0) == 'c') ? 1 : 0;
    if (at(lx, i) != 'r')
        return 0;
    i++;
    while (at(lx, i) == '#')
        i++;
    return at(lx, i) == '"' ? (size_t)(at(lx, 0) == 'r' ? 1 : 2) : 0;
}

/* 'a' and '\n' are characters; 'a (no closing quote after one character) is a lifetime. */
static void skip_quote(lexer *lx)
{
    size_t n;
    unsigned char c = (unsigned char)at(lx, 1);

    if (c == '\\') {
        step(lx, 2);
        while (lx->pos < lx->len && at(lx, 0) != '\'' && at(lx, 0) != '\n')
            step(lx, 1);
        step(lx, 1);
        return;
    }
    n = mg_utf8_lead_len(c);
    if (at(lx, 1 + n) == '\'') {
        step(lx, 2 + n);
        return;
    }
    step(lx, 1);
    while (ident_char(at(lx, 0)))
        step(lx, 1);
}

static int lex_one(lexer *lx, mg_error *err)
{
    size_t start = lx->pos;
    unsigned long line = lx->line;
    char c = at(lx, 0);
    size_t raw;

    if (c == '/' && at(lx, 1) == '/') {
        while (lx->pos < lx->len && at(lx, 0) != '\n')
            step(lx, 1);
    } else if (c == '/' && at(lx, 1) == '*') {
        skip_block_comment(lx);
    } else if ((raw = raw_prefix(lx)) != 0) {
        step(lx, raw);
        skip_raw(lx);
        return push(lx, TOK_LITERAL, start, line, err);
    } else if (c == '"' || ((c == 'b' || c == 'c') && at(lx, 1) == '"')) {
        step(lx, c == '"' ? 0 : 1);
        skip_quoted(lx);
        return push(lx, TOK_LITERAL, start, line, err);
    } else if (c == '\'' || (c == 'b' && at(lx, 1) == '\'')) {
        step(lx, c == '\'' ? 0 : 1);
        skip_quote(lx);
        return push(lx, TOK_LITERAL, start, line, err);
    } else if (c == 'r' && at(lx, 1) == '#' && ident_start(at(lx, 2))) {
        step(lx, 2); /* raw identifier r#name is the identifier name */
        start = lx->pos;
        while (ident_char(at(lx, 0)))
            step(lx, 1);
        return push(lx, TOK_IDENT, start, line, err);
    } else if (ident_start(c)) {
        while (ident_char(at(lx, 0)))
            step(lx, 1);
        return push(lx, TOK_IDENT, start, line, err);
    } else if (c >= '0' && c <= '9') {
        while (ident_char(at(lx, 0)))
            step(lx, 1);
        return push(lx, TOK_LITERAL, start, line, err);
    } else if (c == ':' && at(lx, 1) == ':') {
        step(lx, 2);
        return push(lx, TOK_PATHSEP, start, line, err);
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        step(lx, 1);
    } else {
        step(lx, 1);
        return push(lx, TOK_PUNCT, start, line, err);
    }
    return 0;
}

static bool is(const tok *t, enum tok_kind kind, const char *text)
{
    size_t n = strlen(text);
    return t->kind == kind && t->len == n && memcmp(t->s, text, n) == 0;
}

static bool is_one_of(const tok *t, const char *const *names)
{
    for (; *names; names++)
        if (is(t, TOK_IDENT, *names))
            return true;
    return false;
}

/* Index after the bracket group opened at toks[i] ('[' or '('), or n when unbalanced. */
static size_t skip_group(const tok *toks, size_t n, size_t i)
{
    char open = toks[i].s[0], close = open == '[' ? ']' : ')';
    unsigned depth = 0;
    for (; i < n; i++) {
        if (toks[i].kind != TOK_PUNCT)
            continue;
        if (toks[i].s[0] == open)
            depth++;
        else if (toks[i].s[0] == close && --depth == 0)
            return i + 1;
    }
    return n;
}

/* `use [::]CRATE::TYPE_NAME;` or `use [::]CRATE::{..., TYPE_NAME, ...};` anywhere in the file. */
static bool imports_type(const tok *t, size_t n, const char *const *crates, const char *type)
{
    size_t i, j;
    for (i = 0; i + 3 < n; i++) {
        if (!is(&t[i], TOK_IDENT, "use"))
            continue;
        j = i + 1 + (t[i + 1].kind == TOK_PATHSEP);
        if (j + 2 >= n || !is_one_of(&t[j], crates) || t[j + 1].kind != TOK_PATHSEP)
            continue;
        j += 2;
        if (is(&t[j], TOK_IDENT, type) && j + 1 < n && is(&t[j + 1], TOK_PUNCT, ";"))
            return true;
        if (!is(&t[j], TOK_PUNCT, "{"))
            continue;
        for (j++; j < n && !is(&t[j], TOK_PUNCT, "}"); j++)
            if (is(&t[j], TOK_IDENT, type) && j + 1 < n &&
                (is(&t[j + 1], TOK_PUNCT, ",") || is(&t[j + 1], TOK_PUNCT, "}")))
                return true;
    }
    return false;
}

/* After #[global_allocator] at toks[i]: the static's line when its type matches, else 0. */
static unsigned long match_static(const tok *t, size_t n, size_t i, const char *const *crates,
                                  const char *type, bool imported)
{
    while (i + 1 < n && is(&t[i], TOK_PUNCT, "#") && is(&t[i + 1], TOK_PUNCT, "["))
        i = skip_group(t, n, i + 1);
    if (i < n && is(&t[i], TOK_IDENT, "pub")) {
        i++;
        if (i < n && is(&t[i], TOK_PUNCT, "("))
            i = skip_group(t, n, i);
    }
    if (i + 3 >= n || !is(&t[i], TOK_IDENT, "static"))
        return 0;
    if (t[i + 1].kind != TOK_IDENT || !is(&t[i + 2], TOK_PUNCT, ":"))
        return 0;
    {
        size_t j = i + 3 + (t[i + 3].kind == TOK_PATHSEP);
        bool qualified = j + 3 < n && is_one_of(&t[j], crates) && t[j + 1].kind == TOK_PATHSEP &&
                         is(&t[j + 2], TOK_IDENT, type) && is(&t[j + 3], TOK_PUNCT, "=");
        bool bare = imported && j + 1 < n && j == i + 3 && is(&t[j], TOK_IDENT, type) &&
                    is(&t[j + 1], TOK_PUNCT, "=");
        return qualified || bare ? t[i].line : 0;
    }
}

int rust_find_global_allocator(const char *src, size_t len, const char *const *crates,
                               const char *type_name, unsigned long *line_out, mg_error *err)
{
    lexer lx = {src, len, 0, 1, NULL, 0, 0};
    bool imported;
    size_t i;
    int rc = 0;

    *line_out = 0;
    while (lx.pos < lx.len && rc == 0)
        rc = lex_one(&lx, err);
    if (rc < 0)
        goto done;
    imported = imports_type(lx.toks, lx.n, crates, type_name);
    for (i = 0; i + 3 < lx.n && !*line_out; i++)
        if (is(&lx.toks[i], TOK_PUNCT, "#") && is(&lx.toks[i + 1], TOK_PUNCT, "[") &&
            is(&lx.toks[i + 2], TOK_IDENT, "global_allocator") &&
            is(&lx.toks[i + 3], TOK_PUNCT, "]"))
            *line_out = match_static(lx.toks, lx.n, i + 4, crates, type_name, imported);
done:
    free(lx.toks);
    return rc;
}
