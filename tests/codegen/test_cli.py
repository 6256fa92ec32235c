"""The command line, run as the build runs it."""

from __future__ import annotations

from conftest import FIXTURES


def test_list_prints_a_table(run_cli, gen_defines):
    result = run_cli(
        "--edt-pickle", gen_defines(FIXTURES / "board_minimal.dts").edt_pickle, "--list"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "NAME", "ALIASES", "KIND", "NODE", "DEVICE", "PIN", "EVENTS", "IRQ", "ROUTE", "NOTES",
    ]  # fmt: skip
    assert lines[1].split()[:6] == [
        "user_button",
        "button",
        "/gpio_keys/button",
        "gpioa",
        "13",
        "EVENT",
    ]
    assert lines[2].split()[:5] == [
        "usart2",
        "uart",
        "/serial@40004400",
        "usart2",
        "READ|WRITE",
    ]
    assert lines[-1] == "2 event sources"


def test_dts_input_and_output_dir(run_cli, dts_args, tmp_path):
    result = run_cli(*dts_args("board_minimal.dts"), "--output-dir", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert (tmp_path / "out" / "uevent_board_sources.c").is_file()


def test_zephyr_base_from_the_command_line(run_cli, gen_defines, zephyr_base):
    pickle = gen_defines(FIXTURES / "board_minimal.dts").edt_pickle
    result = run_cli("--edt-pickle", pickle, "--list", "--zephyr-base", zephyr_base,
                     env_zephyr_base=False)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_no_zephyr_is_one_line(run_cli, gen_defines):
    pickle = gen_defines(FIXTURES / "board_minimal.dts").edt_pickle
    result = run_cli("--edt-pickle", pickle, "--list", env_zephyr_base=False)
    assert result.returncode == 1
    assert result.stderr == (
        "uevent-codegen: error: cannot find Zephyr's python-devicetree: "
        "pass --zephyr-base or set ZEPHYR_BASE\n"
    )


def test_missing_or_bad_pickle_is_one_line(run_cli, tmp_path):
    result = run_cli("--edt-pickle", tmp_path / "edt.pickle", "--list")
    assert result.returncode == 1
    assert result.stderr.startswith("uevent-codegen: error: cannot read ")
    (tmp_path / "bad.pickle").write_bytes(b"not a pickle")
    result = run_cli("--edt-pickle", tmp_path / "bad.pickle", "--list")
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_nothing_to_do_is_a_usage_error(run_cli, gen_defines):
    result = run_cli("--edt-pickle", gen_defines(FIXTURES / "board_minimal.dts").edt_pickle)
    assert result.returncode == 2
    assert "nothing to do" in result.stderr
