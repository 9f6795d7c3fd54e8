"""Flags parsed as cobra/pflag parse them: interspersed, ``--``, booleans, Go integers, CSV string slices."""

import pytest

from bacalhau_client.cli.flags import BOOL, FLOAT, INT, STRING, STRINGS, VALUES, Flag, UsageError, csv_record, go_int, parse

FLAGS = (
    Flag("wait", BOOL, True, "wait"),
    Flag("dry-run", BOOL, False, "dry run"),
    Flag("concurrency", INT, 1, "nodes", short="c"),
    Flag("timeout", FLOAT, 1800.0, "seconds"),
    Flag("workdir", STRING, "", "dir", short="w"),
    Flag("labels", STRINGS, [], "labels", short="l"),
    Flag("env", STRINGS, [], "env", short="e"),
    Flag("input-volumes", VALUES, [], "volumes", short="v"),
    Flag("verbose", BOOL, False, "chatty", short="x"),
)


def parsed(*argv):
    values, positionals = parse(FLAGS, list(argv))
    return values, positionals


def error_of(*argv):
    with pytest.raises(UsageError) as caught:
        parse(FLAGS, list(argv))
    return str(caught.value)


def test_defaults_when_nothing_is_given():
    values, positionals = parsed()
    assert (values.wait, values.concurrency, values.timeout, values.labels, positionals) == (True, 1, 1800.0, [], [])
    assert values.given == set()


def test_flags_are_recognised_after_positionals():
    values, positionals = parsed("ubuntu", "echo", "hi", "--dry-run", "-c", "2")
    assert positionals == ["ubuntu", "echo", "hi"]
    assert (values.dry_run, values.concurrency) == (True, 2)


def test_double_dash_ends_flags_and_is_removed():
    values, positionals = parsed("ubuntu", "--", "sh", "-c", "echo hi", "--wait=false")
    assert positionals == ["ubuntu", "sh", "-c", "echo hi", "--wait=false"]
    assert values.wait is True and values.concurrency == 1


@pytest.mark.parametrize("argv, expected", [
    (["--wait=false"], False), (["--wait=0"], False), (["--wait=F"], False), (["--wait=FALSE"], False),
    (["--wait"], True), (["--wait=t"], True), (["--wait=True"], True), (["--wait=1"], True),
])
def test_boolean_spellings(argv, expected):
    assert parsed(*argv)[0].wait is expected


def test_a_boolean_takes_no_separate_value():
    values, positionals = parsed("--wait", "false")
    assert values.wait is True and positionals == ["false"]


@pytest.mark.parametrize("argv", [["--concurrency", "3"], ["--concurrency=3"], ["-c", "3"], ["-c3"], ["-c=3"],
                                  ["-xc", "3"], ["-c", "0x3"], ["-c", "03"], ["-c", "0b11"]])
def test_value_syntaxes(argv):
    assert parsed(*argv)[0].concurrency == 3


@pytest.mark.parametrize("text, value", [("10", 10), ("-10", -10), ("0x10", 16), ("010", 8), ("0o17", 15),
                                         ("0b101", 5), ("+7", 7), ("1_000", 1000), ("0", 0)])
def test_go_integers(text, value):
    assert go_int(text) == value


@pytest.mark.parametrize("text", ["", "x", "1.5", "08", "0x", "_1", "1_", "9223372036854775808"])
def test_bad_go_integers(text):
    with pytest.raises(ValueError):
        go_int(text)


def test_string_slices_split_each_occurrence_as_csv():
    values = parsed("-e", "A=1,B=2", "-e", "C=3", "-e", "", "-l", '"x,y",z')[0]
    assert values.env == ["A=1", "B=2", "C=3"]
    assert values.labels == ["x,y", "z"]


def test_values_flags_are_not_split():
    assert parsed("-v", "a:b,c:d", "-v", "e:f")[0].input_volumes == ["a:b,c:d", "e:f"]


@pytest.mark.parametrize("text, fields", [("a", ["a"]), ("a,", ["a", ""]), (",a", ["", "a"]), ('"a""b"', ['a"b']),
                                          ('"",x', ["", "x"]), ("a b , c", ["a b ", " c"])])
def test_csv_records(text, fields):
    assert csv_record(text) == fields


def test_the_order_of_flags_is_kept():
    assert parsed("-v", "a:b", "-c", "2", "-v", "c:d")[0].order == ["input-volumes", "concurrency", "input-volumes"]


@pytest.mark.parametrize("argv, message", [
    (["--bogus"], "unknown flag: --bogus"),
    (["-n"], "unknown shorthand flag: 'n' in -n"),
    (["-xn"], "unknown shorthand flag: 'n' in -xn"),
    (["--concurrency"], "flag needs an argument: --concurrency"),
    (["-c"], "flag needs an argument: 'c' in -c"),
    (["-c", "echo hi"], 'invalid argument "echo hi" for "-c, --concurrency" flag: '
                        'strconv.ParseInt: parsing "echo hi": invalid syntax'),
    (["--timeout", "soon"], 'invalid argument "soon" for "--timeout" flag: strconv.ParseFloat: parsing "soon": '
                            'invalid syntax'),
    (["--wait=maybe"], 'invalid argument "maybe" for "--wait" flag: strconv.ParseBool: parsing "maybe": '
                       'invalid syntax'),
    (["-e", 'a"b'], 'invalid argument "a"b" for "-e, --env" flag: parse error on line 1, column 2: '
                    'bare " in non-quoted-field'),
    (["-e", '"ab'], 'invalid argument ""ab" for "-e, --env" flag: parse error on line 1, column 3: '
                    'extraneous or missing " in quoted-field'),
])
def test_flag_errors_have_pflag_messages(argv, message):
    assert error_of(*argv) == message
