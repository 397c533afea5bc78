/* SPDX-License-Identifier: MIT */
/*
 * The one way user text reaches a generated header (exporters/emit.h):
 * comment text that cannot close the comment, splice a line, start a
 * nested comment or form a trigraph; string literals that read back byte
 * for byte; identifiers made of safe characters only; a far array's text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

/* What mlq_emit_text writes for s, in a static buffer. */
static const char *emitted(const char *s, mlq_text_as as)
{
    static char buf[4096];
    FILE *f = tmpfile();
    size_t n;

    assert_non_null(f);
    mlq_emit_text(f, s, as);
    rewind(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_comment_text_cannot_leave_the_comment(void **state)
{
    (void)state;
    assert_string_equal(emitted("x */ __attribute__((constructor)) static void f(void){} /*", MLQ_TEXT_COMMENT),
                        "x * / __attribute__((constructor)) static void f(void){} / * ");
    assert_string_equal(emitted("a\n#include <stdio.h>\r\nb", MLQ_TEXT_COMMENT), "a.#include <stdio.h>..b");
    assert_string_equal(emitted("end\\", MLQ_TEXT_COMMENT), "end/ ");      /* no line splice */
    assert_string_equal(emitted("?\?/ ?\?= ?\??", MLQ_TEXT_COMMENT), "? ?/ ? ?= ? ? ?"); /* no trigraph */
    assert_string_equal(emitted("*/", MLQ_TEXT_COMMENT), " * / ");         /* both ends guarded */
    assert_string_equal(emitted("/*", MLQ_TEXT_COMMENT), " / * ");
    assert_string_equal(emitted("temp\xc3\xa9rature", MLQ_TEXT_COMMENT), "temp..rature");
    assert_string_equal(emitted("sepal_length_cm", MLQ_TEXT_COMMENT), "sepal_length_cm");
    assert_string_equal(emitted("", MLQ_TEXT_COMMENT), "");
}

static void test_string_literal_escapes(void **state)
{
    (void)state;
    assert_string_equal(emitted("say \"hi\"", MLQ_TEXT_STRING), "say \\\"hi\\\"");
    assert_string_equal(emitted("a\\b", MLQ_TEXT_STRING), "a\\\\b");
    assert_string_equal(emitted("?\?=", MLQ_TEXT_STRING), "\\?\\?=");
    assert_string_equal(emitted("l1\nl2\t", MLQ_TEXT_STRING), "l1\\012l2\\011");
    /* three octal digits always, so a following digit is not absorbed */
    assert_string_equal(emitted("\x01" "7", MLQ_TEXT_STRING), "\\0017");
    assert_string_equal(emitted("\xc3\xa9t\xc3\xa9", MLQ_TEXT_STRING), "\\303\\251t\\303\\251");
    assert_string_equal(emitted("*/ /* // #x", MLQ_TEXT_STRING), "*/ /* // #x");
}

static void test_identifiers_keep_only_safe_characters(void **state)
{
    char buf[16];

    (void)state;
    mlq_text_ident(buf, sizeof buf, "Iris-setosa");
    assert_string_equal(buf, "Iris_setosa");
    mlq_text_ident(buf, sizeof buf, "x */ f(); /*");
    assert_string_equal(buf, "x____f______");
    mlq_text_ident(buf, sizeof buf, "");
    assert_string_equal(buf, "_");
    mlq_text_ident(buf, sizeof buf, "0");
    assert_string_equal(buf, "0");
    mlq_text_ident(buf, sizeof buf, "a_very_long_class_name");
    assert_string_equal(buf, "a_very_long_cla"); /* size - 1 bytes at most */
    mlq_text_ident(buf, sizeof buf, "\xc3\xa9");
    assert_string_equal(buf, "__");
}

/* A far array: its values once, in a macro, for the assembly of an AVR with
 * more than 64 KiB of flash and the C array of every other target. */
static void test_far_array(void **state)
{
    static const int64_t v[5] = {1, -2, 32767, -32768, 0};
    char buf[1024];
    FILE *f = tmpfile();
    size_t n;

    (void)state;
    assert_non_null(f);
    mlq_emit_far_q15(f, "m", "sv", "[5] values", v, 5, 2);
    rewind(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf, "/* [5] values; a far array (mlq/types.h) */\n"
                             "#define m_sv_values \\\n"
                             "    1, -2, \\\n"
                             "    32767, -32768, \\\n"
                             "    0\n"
                             "#if MLQ_FAR_FLASH\n"
                             "MLQ_FAR_ARRAY(m_sv, 04a61fb9a99f5a681, m_sv_values);\n" /* FNV-1a of the bytes */
                             "#else\n"
                             "static const mlq_q15_t m_sv[5] MLQ_FLASH MLQ_ALIGN4 = {m_sv_values};\n"
                             "#endif\n"
                             "#undef m_sv_values\n");
}

static void test_base_name(void **state)
{
    (void)state;
    assert_string_equal(mlq_base_name("/home/me/secret/project/train.csv"), "train.csv");
    assert_string_equal(mlq_base_name("train.csv"), "train.csv");
    assert_string_equal(mlq_base_name("dir/"), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comment_text_cannot_leave_the_comment),
        cmocka_unit_test(test_string_literal_escapes),
        cmocka_unit_test(test_identifiers_keep_only_safe_characters),
        cmocka_unit_test(test_base_name),
        cmocka_unit_test(test_far_array),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
