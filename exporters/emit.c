/* SPDX-License-Identifier: MIT */
#include "emit.h"

#include <string.h>

void mlq_emit_text(FILE *f, const char *s, mlq_text_as as)
{
    const unsigned char *p = (const unsigned char *)s;
    int prev = 0;

    for (; *p != '\0'; p++) {
        int c = *p;

        if (as == MLQ_TEXT_STRING) {
            if (c == '"' || c == '\\' || c == '?')
                fprintf(f, "\\%c", c);
            else if (c < 0x20 || c > 0x7E)
                fprintf(f, "\\%03o", (unsigned)c);
            else
                fputc(c, f);
            continue;
        }
        if (c < 0x20 || c > 0x7E)
            c = '.';
        else if (c == '\\')
            c = '/';
        /* The text may follow and precede the writer's own '*' or '/'. */
        if ((prev == '*' && c == '/') || (prev == '/' && c == '*') || (prev == '?' && c == '?') ||
            (prev == 0 && (c == '*' || c == '/')))
            fputc(' ', f);
        fputc(c, f);
        prev = c;
    }
    if (as == MLQ_TEXT_COMMENT && (prev == '*' || prev == '/'))
        fputc(' ', f);
}

void mlq_text_ident(char *buf, size_t size, const char *s)
{
    size_t i;

    for (i = 0; s[i] != '\0' && i + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';

        buf[i] = keep ? (char)c : '_';
    }
    if (i == 0)
        buf[i++] = '_';
    buf[i] = '\0';
}

const char *mlq_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash != NULL ? slash + 1 : path;
}

/* The n values, cols a line, indented, comma-separated; each full line ends
 * with line_end, the last with last_end. int64_t values (wide) in INT64_C(). */
static void emit_values(FILE *f, const int64_t *v, size_t n, size_t cols, int wide,
                        const char *line_end, const char *last_end)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (i % cols == 0)
            fputs("   ", f);
        fprintf(f, wide ? " INT64_C(%lld)" : " %lld", (long long)v[i]);
        fputs(i + 1 == n ? last_end : i % cols == cols - 1 ? line_end : ",", f);
    }
}

void mlq_emit_ints(FILE *f, const char *ctype, const char *name, const char *suffix,
                   const char *shape, const int64_t *v, size_t n, size_t cols)
{
    fprintf(f, "static const %s %s_%s[%zu] MLQ_FLASH MLQ_ALIGN4 = { /* %s */\n", ctype, name, suffix, n,
            shape);
    emit_values(f, v, n, cols, strcmp(ctype, "int64_t") == 0, ",\n", ",\n");
    fputs("};\n", f);
}

void mlq_emit_far_q15(FILE *f, const char *name, const char *suffix, const char *shape,
                      const int64_t *v, size_t n, size_t cols)
{
    uint64_t id = 14695981039346656037u; /* FNV-1a of the values' int16 bytes */
    size_t i;

    for (i = 0; i < n; i++) {
        uint16_t u = (uint16_t)v[i];

        id = (id ^ (u & 0xFFu)) * 1099511628211u;
        id = (id ^ (u >> 8)) * 1099511628211u;
    }
    fprintf(f, "/* %s; a far array (mlq/types.h) */\n", shape);
    fprintf(f, "#define %s_%s_values \\\n", name, suffix);
    emit_values(f, v, n, cols, 0, ", \\\n", "\n"); /* a macro's lines; no comma after the last */
    fprintf(f, "#if MLQ_FAR_FLASH\nMLQ_FAR_ARRAY(%s_%s, 0%016llx, %s_%s_values);\n#else\n", name, suffix,
            (unsigned long long)id, name, suffix);
    fprintf(f, "static const mlq_q15_t %s_%s[%zu] MLQ_FLASH MLQ_ALIGN4 = {%s_%s_values};\n#endif\n",
            name, suffix, n, name, suffix);
    fprintf(f, "#undef %s_%s_values\n", name, suffix);
}

/* A float literal that reads back as exactly v, in C and C++ ("1.0f", not "1f"). */
static void emit_float(FILE *f, float v)
{
    char buf[64];

    snprintf(buf, sizeof buf, "%.9g", (double)v);
    if (strpbrk(buf, ".e") == NULL)
        strcat(buf, ".0");
    fprintf(f, " %sf,", buf);
}

void mlq_emit_floats(FILE *f, const char *name, const char *suffix, const char *shape,
                     const float *v, size_t n)
{
    size_t i;

    fprintf(f, "static const float %s_%s[%zu] MLQ_FLASH = { /* %s */\n", name, suffix, n, shape);
    for (i = 0; i < n; i++) {
        if (i % 6 == 0)
            fputs("   ", f);
        emit_float(f, v[i]);
        if (i % 6 == 5 || i + 1 == n)
            fputc('\n', f);
    }
    fputs("};\n", f);
}
