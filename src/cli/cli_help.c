/* Help texts at most 80 columns wide, whatever a command's text holds. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static size_t indent_of(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && line[i] == ' ')
        i++;
    return i;
}

/* Where the description of an option line starts ("  --top N    number ..."), else 0. */
static size_t description_column(const char *line, size_t len)
{
    size_t i = indent_of(line, len), gap;
    for (; i < len && i < 40; i++) {
        for (gap = 0; i + gap < len && line[i + gap] == ' '; gap++)
            ;
        if (gap >= 2 && i + gap < len)
            return i + gap;
        i += gap;
    }
    return 0;
}

/* An option line without a two-blank gap ("  --anchor first|COMMIT drift ..."): after its
 * option and argument words. */
static size_t option_column(const char *line, size_t len)
{
    size_t i = indent_of(line, len), words;
    for (words = 0; words < 2 && i < len; words++) {
        while (i < len && line[i] != ' ')
            i++;
        while (i < len && line[i] == ' ')
            i++;
    }
    return i < len && i <= 40 ? i : 0;
}

/*
 * Whether next continues the paragraph that head opens: prose at the left margin runs on until
 * a blank line or a heading; an indented item or option description takes the lines that hang
 * under it. An option without a description on its line stands alone.
 */
static bool continues(const char *head, size_t head_len, const char *next, size_t next_len)
{
    size_t hi = indent_of(head, head_len), ni = indent_of(next, next_len);
    if (hi == head_len || ni == next_len || (head[head_len - 1] == ':' && head_len < 40))
        return false; /* blank lines and headings stand alone */
    if (hi == 0)
        return ni == 0;
    if (head[hi] == '-' && head[hi + 1] == '-' && !description_column(head, head_len) &&
        !option_column(head, head_len))
        return false; /* only the option: its description follows as its own paragraph */
    if (hi >= 4 && head[hi] != '-')
        return ni == hi && next[ni] != '-'; /* a description under its option */
    return ni > hi && next[ni] != '-';
}

/*
 * text[0..len) refilled into lines of at most CLI_HELP_WIDTH columns, continuation lines
 * indented by hang. The first line keeps its own spacing (option and description columns).
 */
static void refill(FILE *f, const char *text, size_t len, size_t hang)
{
    size_t col = 0, i = 0;
    bool first_line = true, first_word = true;
    while (i < len) {
        size_t gap = 0, word;
        while (i + gap < len && (text[i + gap] == ' ' || text[i + gap] == '\n')) {
            if (text[i + gap] == '\n')
                first_line = false;
            gap++;
        }
        i += gap;
        for (word = 0; i + word < len && text[i + word] != ' ' && text[i + word] != '\n'; word++)
            ;
        if (!word)
            break;
        if (first_word) {
            col = gap;
            fprintf(f, "%*s", (int)gap, "");
        } else if (col + (first_line ? gap : 1) + word > CLI_HELP_WIDTH && col > hang) {
            fprintf(f, "\n%*s", (int)hang, "");
            col = hang;
        } else {
            col += first_line ? gap : 1;
            fprintf(f, "%*s", first_line ? (int)gap : 1, "");
        }
        fprintf(f, "%.*s", (int)word, text + i);
        col += word;
        i += word;
        first_word = false;
    }
    fputc('\n', f);
}

void cli_help_print(FILE *f, const char *text)
{
    while (*text) {
        size_t len = strcspn(text, "\n"), end = len, hang, widest = len;
        const char *next = text + len + (text[len] == '\n');
        /* the paragraph: text[0..end), ending at a newline */
        while (*next && continues(text, len, next, strcspn(next, "\n"))) {
            size_t n = strcspn(next, "\n");
            widest = n > widest ? n : widest;
            end = (size_t)(next - text) + n;
            next += n + (next[n] == '\n');
        }
        if (widest <= CLI_HELP_WIDTH) {
            fwrite(text, 1, end, f); /* as written: its breaks are the author's */
            fputc('\n', f);
        } else {
            const char *cont = text + len + 1;
            hang = end > len ? indent_of(cont, end - len - 1) : description_column(text, len);
            if (!hang && text[indent_of(text, len)] == '-')
                hang = option_column(text, len);
            refill(f, text, end, hang ? hang : indent_of(text, len));
        }
        text = next;
    }
}
