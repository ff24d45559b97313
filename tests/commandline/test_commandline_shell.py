"""The shell lexer: POSIX word splitting (checked against `shlex`), expansion, unknowns, here-documents,
line numbers, and no exception on any input."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eksguard.sources.commandline import Invocation, block_script, scan_text
from eksguard.sources.commandline_reader import parse_flags, split_command


def invocations(text: str, cli: dict[str, str] | None = None, kind: str = "shell") -> list[Invocation]:
    return scan_text(kind, text, "scripts/run.sh", cli or {})


def args(text: str, cli: dict[str, str] | None = None) -> list[str]:
    [invocation] = invocations(text, cli)
    return [w.text for w in invocation.args]


# --- agreement with shlex where nothing is expanded -------------------------------------------------

PLAIN = st.text(alphabet="abcXYZ019_./:=,+-@%", min_size=1, max_size=8).filter(lambda w: not w.startswith("#"))
SINGLE = st.text(alphabet="ab $*?;|&<>()\"\\`#{}~\n", max_size=8).map(lambda t: f"'{t}'")
DOUBLE = st.lists(st.sampled_from(["a", "b", " ", "'", "\\\"", "\\\\", "*", "?", ";", "|", "#", "~"]),
                  max_size=6).map(lambda parts: '"' + "".join(parts) + '"')
ESCAPED = st.sampled_from(["\\ ", "\\'", '\\"', "\\$", "\\*", "\\;", "\\|", "\\#", "\\\\"])
WORD = st.lists(st.one_of(PLAIN, SINGLE, DOUBLE, ESCAPED), min_size=1, max_size=3).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=6), st.sampled_from([" ", "  ", "\t", " \t "]))
def test_word_splitting_agrees_with_shlex(words: list[str], separator: str) -> None:
    line = "eksctl " + separator.join(words)
    [invocation] = invocations(line)
    assert [w.text for w in invocation.args] == shlex.split(line)[1:]
    assert all(w.known for w in invocation.args)


# --- expansion --------------------------------------------------------------------------------------


def test_quoting_decides_expansion() -> None:
    assert args("A='x y'\neksctl \"$A\" '$A' $A ${A}z \\$A") == ["x y", "$A", "x", "y", "x", "yz", "$A"]


def test_parameter_forms() -> None:
    text = 'SET=v\nEMPTY=\neksctl "${UNSET:-d1}" "${EMPTY:-d2}" "${EMPTY-d3}" "${SET:+alt}" "${UNSET:+alt}" ' \
           '"${NEW:=assigned}" "$NEW"'
    assert args(text) == ["d1", "d2", "", "alt", "", "assigned", "assigned"]


def test_empty_unquoted_expansion_vanishes_but_quoted_stays() -> None:
    assert args('E=\neksctl a $E "$E" b') == ["a", "", "b"]


def test_export_and_append() -> None:
    assert args("export A=1 B=two\nA+=0\neksctl $A $B") == ["10", "two"]


def test_prefix_assignment_does_not_expand_in_its_own_command() -> None:
    [invocation] = invocations("X=old\nX=new eksctl $X")
    assert [w.text for w in invocation.args] == ["old"]
    assert invocation.env["X"].text == "X=new"


@pytest.mark.parametrize(("text", "reason"), [
    ("eksctl $(aws configure get region)", "the output of `$(aws configure get region)`"),
    ("eksctl `date`", "the output of `` `date` ``"),
    ("eksctl $((1+2))", "arithmetic"),
    ("eksctl $1", "parameter of the running script"),
    ("eksctl ${#X}", "parameter expansion"),
    ("eksctl ${X%.yaml}", "parameter expansion"),
    ("eksctl $UNSET_ONE", "`$UNSET_ONE` is not set in this file (pass --var UNSET_ONE=VALUE)"),
    ("eksctl *.yaml", "glob"),
    ("eksctl us-east-1{a,b}", "brace"),
    ("R=$(cat region)\neksctl $R", "`$R` is set from `$(cat region)`"),
    ("read R\neksctl $R", "read from input"),
    ("eksctl <(echo x)", "process substitution"),
])
def test_unknown_values_carry_their_reason(text: str, reason: str) -> None:
    [invocation] = invocations(text)
    [word] = invocation.args
    assert word.unknown is not None
    assert reason in word.unknown.en


def test_var_fills_what_the_script_leaves_unknown() -> None:
    assert args("R=$(aws configure get region)\neksctl $R $UNSET", {"R": "eu-west-1", "UNSET": "u"}) == [
        "eu-west-1", "u"]
    assert args("R=script\neksctl $R", {"R": "cli"}) == ["script"]  # the script's own value wins


def test_globs_are_literal_in_quotes_and_assignments() -> None:
    [invocation] = invocations("P=*.yaml\neksctl \"*.yaml\" $P")
    assert [(w.text, w.known) for w in invocation.args] == [("*.yaml", True), ("*.yaml", False)]


def test_script_folder_idioms() -> None:
    assert args('DIR="$(cd "$(dirname "$0")" && pwd)"\neksctl "$DIR/x" "$(dirname "${BASH_SOURCE[0]}")"') == [
        "scripts/x", "scripts"]


def test_commands_inside_control_flow_and_wrappers() -> None:
    text = """
if true; then eksctl one; fi
for x in a b; do
  sudo -E eksctl two
done
env AWS_REGION=us-east-1 time eksctl three && echo ok || eksctl four
aws-vault exec prod -- ./bin/eksctl five
echo "eksctl not-a-command"; CLUSTER=$(eksctl get cluster -o json)
"""
    assert [[w.text for w in i.args] for i in invocations(text)] == [["one"], ["two"], ["three"], ["four"],
                                                                     ["five"]]
    assert invocations(text)[2].env["AWS_REGION"].value == "us-east-1"


def test_line_numbers_follow_continuations_comments_and_heredocs() -> None:
    text = "# comment\ncat <<EOF\neksctl inside-heredoc\nEOF\neksctl a \\\n  b \\\n  c # trailing\neksctl 'multi\nline' d\n"
    found = invocations(text)
    assert [(i.line, [(w.text, w.line) for w in i.args]) for i in found] == [
        (5, [("a", 5), ("b", 6), ("c", 7)]), (8, [("multi\nline", 8), ("d", 9)])]


def test_angle_bracket_placeholders_are_unknown_words_not_redirections() -> None:
    [invocation] = invocations("eksctl create nodegroup --cluster <clusterName> --region=<region> "
                               "--name=<ng>-2 --managed=false < nodegroup.yaml\n")
    words = [(w.text, w.unknown.en if w.unknown else None) for w in invocation.args]
    assert words == [
        ("create", None), ("nodegroup", None), ("--cluster", None),
        ("<clusterName>", "`<clusterName>` is a placeholder to fill in: its value is not in this file"),
        ("--region=<region>", "`<region>` is a placeholder to fill in: its value is not in this file"),
        ("--name=<ng>-2", "`<ng>` is a placeholder to fill in: its value is not in this file"),
        ("--managed=false", None)]
    assert invocation.args[4].prefix == "--region="
    # a redirection with a space, a here-document and a quoted `<name>` keep their shell meaning
    assert invocation.stdin.kind == "file" and invocation.stdin.word is not None
    assert invocation.stdin.word.text == "nodegroup.yaml"
    [heredoc] = invocations("eksctl create cluster -f - <<EOF\nname: x\nEOF\n")
    assert heredoc.stdin.body == "name: x\n"
    assert args('eksctl create cluster --name "<quoted>"') == ["create", "cluster", "--name", "<quoted>"]


def test_here_document_feeds_the_command() -> None:
    text = "N=x\neksctl create -f - <<-EOF\n\tname: $N\n\tliteral: \\$N\n\tEOF\neksctl create -f - <<'RAW'\nname: $N\nRAW\n"
    first, second = invocations(text)
    assert (first.stdin.kind, first.stdin.body, first.stdin.first_line) == ("heredoc", "name: x\nliteral: $N\n", 3)
    assert (second.stdin.kind, second.stdin.body) == ("heredoc", "name: $N\n")


def test_stdin_is_traced_through_the_pipeline() -> None:
    text = ("cat a.yaml | eksctl x -f -\n"
            "curl -fsSL https://h/o/r/main/b.yaml | envsubst | sed s/a/b/ | eksctl x -f -\n"
            "envsubst < c.yaml | eksctl x -f -\n"
            "eksctl x -f - < d.yaml\n"
            "jq . e.json | eksctl x -f -\n")
    found = [(i.stdin.kind, i.stdin.word.text if i.stdin.word else None, i.stdin.via) for i in invocations(text)]
    assert found == [("file", "a.yaml", []), ("url", "https://h/o/r/main/b.yaml", ["envsubst", "sed"]),
                     ("file", "c.yaml", ["envsubst"]), ("file", "d.yaml", []), ("unknown", None, [])]


def test_session_blocks_keep_commands_and_drop_output() -> None:
    lines = ["$ A=1", "$ eksctl x \\", ">   --y", "output line with eksctl", "% eksctl z", "$ cat <<EOF", "body",
             "EOF", "$ echo 'open", "still quoted'", "out"]
    assert block_script(lines, "bash").split("\n") == [
        "A=1", "eksctl x \\", "  --y", "", "eksctl z", "cat <<EOF", "body", "EOF", "echo 'open", "still quoted'", ""]
    assert block_script(["# eksctl root", "output"], "console").split("\n") == ["eksctl root", ""]
    promptless = ["eksctl x", "2024-06-01 [i] eksctl y", "N=1", "sudo eksctl z \\", "  --y", "NAME  STATUS", "eksctl: no"]
    assert block_script(promptless, "console").split("\n") == [
        "eksctl x", "", "N=1", "sudo eksctl z \\", "  --y", "", ""]
    assert block_script(["# a comment", "eksctl y"], "bash").split("\n") == ["# a comment", "eksctl y"]


def test_flag_parsing_like_pflag() -> None:
    [invocation] = invocations("eksctl --color false create cluster -Pn demo --nodes=3 --zones a,b --zones c "
                               "--ssh-access=false --bogus x -- --name not-a-flag")
    command, rest = split_command(invocation.args)
    assert command == ("create", "cluster")
    from eksguard.sources.commandline_reader import CREATE_CLUSTER, converted

    parsed = parse_flags(rest, CREATE_CLUSTER)
    assert {name: converted(values) for name, values in parsed.values.items()} == {
        "color": "false", "node-private-networking": True, "name": "demo", "nodes": 3, "zones": ["a", "b", "c"],
        "ssh-access": False}
    assert parsed.unknown_flags == [("--bogus", 1)]
    assert [w.text for w in parsed.positionals] == ["--name", "not-a-flag"]


# --- robustness ---------------------------------------------------------------------------------------

SHELLISH = st.lists(st.sampled_from([*"eksctl create cluster -f--name=$(){}[]'\"`\\|&;<>#*?~\n\t !%:=,.@",
                                     "\ue000", "\ue0010\ue001", "${", "$((", "<<EOF\n", "EOF\n", "```bash\n",
                                     "```\n", "$ ", "\tfoo\n", "run: |\n", "----\n", "[source,bash]\n"]),
                    max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(SHELLISH, st.sampled_from(["shell", "markdown", "asciidoc", "makefile", "shebang"]))
def test_no_input_raises(text: str, kind: str) -> None:
    for source in ("#!/bin/sh\neksctl " + text, text + "\neksctl create cluster " + text):
        lines = source.count("\n") + 1
        for invocation in scan_text(kind, source, "x/y.sh", {"A": "1"}):
            # every invocation and word stands at a line of the file
            assert 1 <= invocation.line <= lines
            assert all(1 <= word.line <= lines for word in invocation.args)
            _, rest = split_command(invocation.args)
            parsed = parse_flags(rest, {})
            assert len(parsed.positionals) <= len(rest)
