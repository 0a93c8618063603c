/* "did you mean": optimal string alignment distance against a list of known names. */
#include "suggest.h"

#include <string.h>

#define MAX_WORD 64

/* Case and the two separators people mix up ('-', '_') do not count as edits. */
static char fold(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    return c == '-' ? '_' : c;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
    unsigned m = a < b ? a : b;
    return m < c ? m : c;
}

/* Levenshtein plus transposition of neighbours, on folded characters. */
static unsigned distance(const char *a, const char *b)
{
    unsigned d[MAX_WORD + 1][MAX_WORD + 1];
    size_t la = strlen(a), lb = strlen(b), i, j;

    if (la > MAX_WORD || lb > MAX_WORD)
        return MAX_WORD;
    for (i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            unsigned cost = fold(a[i - 1]) != fold(b[j - 1]);
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
                fold(a[i - 2]) == fold(b[j - 1]) && d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    }
    return d[la][lb];
}

const char *mg_suggest(const char *word, const char *const *candidates)
{
    size_t len = strlen(word);
    unsigned limit = len <= 4 ? 1 : len <= 8 ? 2 : 3, best_d = limit + 1;
    const char *best = NULL;

    for (; *candidates; candidates++) {
        unsigned d = distance(word, *candidates);
        if (d < best_d) {
            best_d = d;
            best = *candidates;
        }
    }
    return best;
}
