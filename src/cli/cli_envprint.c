/*
 * The environment fingerprint: where a baseline's numbers were measured, so
 * that a runner-image or libc upgrade is named as such instead of being blamed
 * on the change under review (docs/configuration.md, "The environment").
 */
#include "cli_envprint.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "ci/ci_env.h"
#include "suggest.h"

static bool key_ok(const char *k, size_t len)
{
    size_t i;
    if (len == 0 || len >= 64)
        return false;
    for (i = 0; i < len; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
              (k[i] >= '0' && k[i] <= '9') || k[i] == '.' || k[i] == '_' || k[i] == '-'))
            return false;
    return true;
}

int cli_env_option(struct cli_env_user *u, const char *arg, mg_error *err)
{
    const char *eq = strchr(arg, '=');
    if (!eq || !key_ok(arg, (size_t)(eq - arg)))
        return mg_error_set(err, MG_E_USAGE,
                            "--env expects KEY=VALUE with a KEY of letters, digits, '.', '_' or "
                            "'-' (at most 63), found '%s'",
                            arg);
    if (strlen(eq + 1) >= 256)
        return mg_error_set(err, MG_E_USAGE, "--env %.*s: the value is longer than 255 bytes",
                            (int)(eq - arg), arg);
    if (u->n == CLI_ENV_USER)
        return mg_error_set(err, MG_E_USAGE, "at most %d --env options", CLI_ENV_USER);
    u->items[u->n++] = arg;
    return 0;
}

/* Set name to value, replacing an earlier value of the same name. */
static void put(struct cli_envprint *fp, const char *name, size_t name_len, const char *value)
{
    size_t i;
    for (i = 0; i < fp->n; i++)
        if (strlen(fp->names[i]) == name_len && !strncmp(fp->names[i], name, name_len))
            break;
    if (i == CLI_ENV_KEYS)
        return;
    snprintf(fp->name_buf[i], sizeof(fp->name_buf[i]), "%.*s", (int)name_len, name);
    snprintf(fp->value_buf[i], sizeof(fp->value_buf[i]), "%s", value);
    fp->names[i] = fp->name_buf[i];
    fp->values[i] = fp->value_buf[i];
    if (i == fp->n)
        fp->n++;
}

static void libc_version(char *out, size_t size)
{
    out[0] = '\0';
#ifdef __GLIBC__
    snprintf(out, size, "glibc %s", gnu_get_libc_version());
#elif defined(_CS_GNU_LIBC_VERSION)
    {
        char v[128];
        if (confstr(_CS_GNU_LIBC_VERSION, v, sizeof(v)) > 0)
            snprintf(out, size, "%s", v);
    }
#endif
}

void cli_envprint_collect(struct cli_envprint *fp, const mg_profile *p,
                          const struct cli_env_user *u)
{
    struct utsname un;
    char text[256];
    const char *names[16], *values[16];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t i, n;

    memset(fp, 0, sizeof(*fp));
    if (uname(&un) == 0) {
        put(fp, "os", 2, un.sysname);
        put(fp, "kernel", 6, un.release);
        put(fp, "arch", 4, un.machine);
    }
    libc_version(text, sizeof(text));
    if (text[0])
        put(fp, "libc", 4, text);
    if (cpus > 0) {
        snprintf(text, sizeof(text), "%ld", cpus);
        put(fp, "cpus", 4, text);
    }
    n = mg_ci_runner(names, values, 16);
    for (i = 0; i < n; i++)
        put(fp, names[i], strlen(names[i]), values[i]);
    if (p && mg_profile_producer(p))
        put(fp, "producer", 8, mg_profile_producer(p));
    for (i = 0; u && i < u->n; i++) {
        const char *eq = strchr(u->items[i], '=');
        put(fp, u->items[i], (size_t)(eq - u->items[i]), eq + 1);
    }
}

static const char *const policy_names[] = {"warn", "fail", "ignore", NULL};

const char *cli_env_policy_name(enum cli_env_policy p)
{
    return policy_names[p];
}

int cli_env_policy_choose(const char *flag, const mg_config *cfg, enum cli_env_policy *out,
                          mg_error *err)
{
    const char *s = flag ? flag : mg_config_string(cfg, "environment.on_change", NULL, NULL);
    const char *hint;
    *out = CLI_ENV_WARN;
    if (!s)
        return 0;
    for (int i = 0; policy_names[i]; i++)
        if (!strcasecmp(s, policy_names[i])) {
            *out = (enum cli_env_policy)i;
            return 0;
        }
    hint = mg_suggest(s, policy_names);
    return mg_error_set(err, MG_E_USAGE,
                        "--on-env-change expects warn, fail or ignore, found '%s'%s%s%s", s,
                        hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
}

static const char *lookup(const char *const *names, const char *const *values, size_t n,
                          const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], key))
            return values[i];
    return NULL;
}

static void change(struct cli_envdiff *d, const char *key, const char *base, const char *cur)
{
    if (d->n < sizeof(d->changes) / sizeof(d->changes[0]))
        d->changes[d->n++] = (mg_report_env_change){key, base, cur};
}

static void notice(const struct cli_envdiff *d, enum cli_env_policy policy, struct cli_notices *n)
{
    int at;
    size_t i;
    /* a baseline from an older memgate: nothing to compare, and the next update records one */
    if (!d->recorded || !d->n)
        return;
    at = cli_notice_add(n, "environment",
                        policy == CLI_ENV_WARN
                            ? "environment changed since the baseline was measured: a regression "
                              "is a warning, not a failure"
                            : "environment changed since the baseline was measured (regressions "
                              "still fail: on_change fail)");
    for (i = 0; i < d->n; i++) {
        const mg_report_env_change *c = &d->changes[i];
        if (c->baseline && c->current)
            cli_notice_line(n, at, "%s: baseline '%s', this run '%s'", c->key, c->baseline,
                            c->current);
        else if (c->baseline)
            cli_notice_line(n, at, "%s: baseline '%s', this run does not record it", c->key,
                            c->baseline);
        else
            cli_notice_line(n, at, "%s: this run '%s', the baseline does not record it", c->key,
                            c->current);
    }
}

void cli_envprint_compare(struct cli_envdiff *d, const mg_baseline *b, const char *workload,
                          const struct cli_envprint *cur, enum cli_env_policy policy,
                          struct cli_notices *n)
{
    const char *names[CLI_ENV_KEYS * 2], *values[CLI_ENV_KEYS * 2];
    size_t nb = mg_baseline_strings(b, workload, "environment", names, values, CLI_ENV_KEYS * 2);
    size_t i;

    memset(d, 0, sizeof(*d));
    d->recorded = nb > 0;
    if (d->recorded) {
        for (i = 0; i < nb; i++) {
            const char *now = lookup(cur->names, cur->values, cur->n, names[i]);
            if (!now || strcmp(now, values[i]) != 0)
                change(d, names[i], values[i], now);
        }
        for (i = 0; i < cur->n; i++)
            if (!lookup(names, values, nb, cur->names[i]))
                change(d, cur->names[i], NULL, cur->values[i]);
    }
    d->report = (mg_report_environment){d->recorded, cli_env_policy_name(policy), d->changes, d->n};
    if (policy != CLI_ENV_IGNORE)
        notice(d, policy, n);
}
