/* SPDX-License-Identifier: MIT */
/*
 * test_outfile.c -- the output files of trainers/outfile.c: whole or not at
 * all, only regular files (a symbolic link, folder, FIFO, device or socket
 * is refused and left as it was), never over a protected input by any name,
 * two planned outputs never one file, the umask for new files and the mode
 * of replaced ones, long names. Signals and stdout: test_outfile_signals.c.
 */
#define _XOPEN_SOURCE 700 /* symlink, mkfifo */
#include "outfile_test.h"

/* ------------------------------------------------------------------------ */
/* Whole or not at all                                                        */

static void test_whole_file_and_abort(void **state)
{
    char path[PATH_BUF], want[3 * PATH_BUF];
    mlq_outfile out;
    mlq_err err;

    (void)state;
    in_dir(path, "out.txt");
    assert_int_equal(mlq_out_open(&out, path, &err), 0);
    fputs("half", out.f);
    assert_int_equal(dir_entries(dir), 1); /* the temporary file only */
    assert_int_equal(access(path, F_OK), -1);
    mlq_out_abort(&out);
    mlq_out_abort(&out); /* twice is fine */
    assert_int_equal(dir_entries(dir), 0);

    put_file(path, "old\n");
    assert_int_equal(write_out(path, "new\n", &err), 0);
    assert_file(path, "new\n");
    assert_int_equal(dir_entries(dir), 1);

    /* The rename fails (the target became a folder): the temporary file goes. */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mlq_out_open(&out, path, &err), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(mlq_out_commit(&out, &err), -1);
    snprintf(want, sizeof want, "%s: cannot write output file: %s", path, strerror(EISDIR));
    assert_string_equal(err.msg, want);
    assert_int_equal(dir_entries(dir), 1);
    assert_int_equal(rmdir(path), 0);
}

static void test_long_name(void **state)
{
    char name[251], path[PATH_BUF];
    mlq_err err;

    (void)state;
    /* 250 bytes: with ".tmpXXXXXX" the temporary name would pass NAME_MAX. */
    memset(name, 'n', 250);
    name[250] = '\0';
    in_dir(path, name);
    if (write_out(path, "long\n", &err) != 0)
        fail_msg("%s", err.msg);
    assert_file(path, "long\n");
    assert_int_equal(dir_entries(dir), 1);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(write_out("", "x", &err), -1);
    assert_string_equal(err.msg, "an output file name is empty");
}

/* ------------------------------------------------------------------------ */
/* Only regular files                                                         */

static void test_refuses_what_is_not_a_regular_file(void **state)
{
    char path[PATH_BUF], target[PATH_BUF];
    struct sockaddr_un sa;
    struct stat st;
    int fd;

    (void)state;
    in_dir(target, "target.txt");
    put_file(target, "target\n");
    in_dir(path, "link.txt");
    assert_int_equal(symlink(target, path), 0);
    expect_refused(path, "is a symbolic link: mlq does not write through links (name the file itself)");
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_file(target, "target\n");
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink("nowhere", path), 0); /* dangling */
    expect_refused(path, "is a symbolic link: mlq does not write through links (name the file itself)");
    assert_int_equal(unlink(path), 0);

    in_dir(path, "folder");
    assert_int_equal(mkdir(path, 0700), 0);
    expect_refused(path, "is a directory");
    assert_int_equal(rmdir(path), 0);

    in_dir(path, "fifo");
    assert_int_equal(mkfifo(path, 0600), 0);
    expect_refused(path, "is a FIFO, not a regular file (mlq writes regular files, or '-' for standard output)");
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(unlink(path), 0);

    in_dir(path, "sock");
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    assert_true(strlen(path) < sizeof sa.sun_path);
    strcpy(sa.sun_path, path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    expect_refused(path, "is a socket, not a regular file (mlq writes regular files, or '-' for standard output)");
    close(fd);
    assert_int_equal(unlink(path), 0);

    /* /dev/null stays a device (the folder test does not apply there). */
    {
        mlq_err err;
        assert_int_equal(write_out("/dev/null", "x", &err), -1);
        assert_string_equal(err.msg, "/dev/null: is a character device, not a regular file "
                                     "(mlq writes regular files, or '-' for standard output)");
        assert_int_equal(stat("/dev/null", &st), 0);
        assert_true(S_ISCHR(st.st_mode));
    }
    assert_int_equal(dir_entries(dir), 1);
}

/* ------------------------------------------------------------------------ */
/* Inputs and planned outputs                                                 */

static void test_never_over_an_input(void **state)
{
    char in[PATH_BUF], dot[PATH_BUF], hard[PATH_BUF], soft[PATH_BUF], other[PATH_BUF], want[3 * PATH_BUF];
    mlq_err err;

    (void)state;
    in_dir(in, "data.csv");
    put_file(in, "a,label\n1,0\n");
    in_dir(hard, "hard.csv");
    assert_int_equal(link(in, hard), 0);
    in_dir(soft, "soft.csv");
    assert_int_equal(symlink(in, soft), 0);
    in_dir(other, "other.csv");

    /* Nothing is protected before mlq_out_protect. */
    assert_int_equal(mlq_out_check(in, &err), 0);
    mlq_out_reset();

    /* The input given through a symbolic link protects its target. */
    assert_int_equal(mlq_out_protect(soft, &err), 0);
    snprintf(want, sizeof want, "would overwrite the input file %s", soft);
    expect_refused(in, want);
    expect_refused(hard, want);
    in_dir(dot, "./data.csv");
    expect_refused(dot, want);
    /* mlq_out_check says the same, before any work. */
    assert_int_equal(mlq_out_check(hard, &err), -1);
    snprintf(want, sizeof want, "%s: would overwrite the input file %s", hard, soft);
    assert_string_equal(err.msg, want);
    assert_file(in, "a,label\n1,0\n");

    /* Other files, stdout, and inputs that do not exist are fine. */
    assert_int_equal(write_out(other, "b\n", &err), 0);
    assert_int_equal(mlq_out_protect("-", &err), 0);
    assert_int_equal(mlq_out_protect(other, &err), 0);
    snprintf(want, sizeof want, "would overwrite the input file %s", other);
    expect_refused(other, want);
    mlq_out_reset();
    assert_int_equal(write_out(other, "c\n", &err), 0); /* forgotten */
    in_dir(dot, "missing.csv");
    assert_int_equal(mlq_out_protect(dot, &err), 0);
    assert_int_equal(write_out(dot, "d\n", &err), 0);
    assert_file(dot, "d\n");
    assert_int_equal(mlq_out_check("-", &err), 0);
}

static void test_two_outputs_never_one_file(void **state)
{
    char a[PATH_BUF], a_dot[PATH_BUF], b[PATH_BUF], hard[PATH_BUF], want[3 * PATH_BUF];
    mlq_err err;

    (void)state;
    /* A file that does not exist yet, named twice. */
    in_dir(a, "t.csv");
    in_dir(a_dot, "./t.csv");
    assert_int_equal(mlq_out_check(a, &err), 0);
    assert_int_equal(mlq_out_check(a, &err), -1);
    snprintf(want, sizeof want, "%s: would overwrite %s, another output of this command", a, a);
    assert_string_equal(err.msg, want);
    assert_int_equal(mlq_out_check(a_dot, &err), -1);
    snprintf(want, sizeof want, "%s: would overwrite %s, another output of this command", a_dot, a);
    assert_string_equal(err.msg, want);
    assert_int_equal(dir_entries(dir), 0);
    /* A checked output is then written normally. */
    assert_int_equal(write_out(a, "t\n", &err), 0);
    in_dir(b, "u.csv");
    assert_int_equal(mlq_out_check(b, &err), 0);

    /* An existing file and a hard link to it. */
    mlq_out_reset();
    in_dir(hard, "hard.csv");
    assert_int_equal(link(a, hard), 0);
    assert_int_equal(mlq_out_check(hard, &err), 0);
    assert_int_equal(mlq_out_check(a, &err), -1);
    snprintf(want, sizeof want, "%s: would overwrite %s, another output of this command", a, hard);
    assert_string_equal(err.msg, want);
    assert_file(a, "t\n");
}

/* ------------------------------------------------------------------------ */
/* Permissions                                                                */

static mode_t written_mode(const char *path)
{
    struct stat st;
    mlq_err err;

    if (write_out(path, "m\n", &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static void test_umask_and_mode(void **state)
{
    char path[PATH_BUF];
    mode_t old = umask(022);

    (void)state;
    in_dir(path, "new022");
    assert_int_equal(written_mode(path), 0644);
    umask(077);
    in_dir(path, "new077");
    assert_int_equal(written_mode(path), 0600);
    umask(002);
    in_dir(path, "new002");
    assert_int_equal(written_mode(path), 0664);
    /* A replaced file keeps its mode, whatever the umask. */
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(written_mode(path), 0640);
    umask(077);
    assert_int_equal(chmod(path, 0755), 0);
    assert_int_equal(written_mode(path), 0755);
    umask(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_whole_file_and_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_what_is_not_a_regular_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_never_over_an_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_outputs_never_one_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_umask_and_mode, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
