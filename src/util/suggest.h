/* Private: "did you mean" for misspelled keys and names. */
#ifndef MEMGATE_SUGGEST_H
#define MEMGATE_SUGGEST_H

/*
 * The candidate closest to word by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours; case and '-' vs '_' are free), or
 * NULL when none is close enough to be a plausible typo: at most 1 edit for
 * words up to 4 characters, 2 up to 8, 3 beyond. candidates is
 * NULL-terminated; the result is one of them (borrowed).
 */
const char *mg_suggest(const char *word, const char *const *candidates);

#endif
