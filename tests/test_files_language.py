"""Files and upload messages in the reader's language: the Chinese template reads back like the
English one, exports are headed in the reader's words, and every upload problem says row,
column, what was expected and what was found, in Chinese and in English alike."""

from __future__ import annotations

import csv
from datetime import date
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from evaluation import evaluate, i18n
from evaluation.errors import InputError
from evaluation.framework import Framework, load_framework
from evaluation.ingest.agencies import agencies_template, agency_table
from evaluation.ingest.readers import read_table, read_table_bytes
from evaluation.ingest.template import template_xlsx
from evaluation.ingest.validate import check_upload
from evaluation.ingest.words import FIXED_COLUMNS
from evaluation.io.export import score_columns, to_csv, to_xlsx
from evaluation.io.headings import COLUMN_WORDS
from evaluation.scoring.cube import check_agencies
from tests.conftest import agencies_frame

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
TYPES = {"BK01": "bank", "BK02": "bank"}


@pytest.fixture(scope="module")
def framework() -> Framework:
    """The shipped framework (its fields have Chinese labels)."""
    return load_framework(ROOT / "indicators.yaml")


def filled_template(framework: Framework, path: Path, language: str) -> Path:
    """The bank template of `language`, its figures sheet filled with two rows, saved."""
    with i18n.reading(language):
        data = template_xlsx(framework, "bank", "BK01", "2026-10")
    book = load_workbook(BytesIO(data))
    sheet = book.worksheets[0]
    width = len(sheet[1])
    for row, code in enumerate(("BK01", "BK02"), start=2):
        for column, value in enumerate([code, "2026-10", *[row * 1000] * (width - 2)], start=1):
            sheet.cell(row=row, column=column, value=value)
    book.save(path)
    return path


def test_the_chinese_template_is_headed_in_chinese_and_reads_back_like_the_english_one(
    framework: Framework, tmp_path: Path
) -> None:
    chinese = filled_template(framework, tmp_path / "模板.xlsx", "zh_CN")
    english = filled_template(framework, tmp_path / "template.xlsx", "en")
    book = load_workbook(chinese)
    header = [c.value for c in book.worksheets[0][1]]
    bank = framework.fields_for_type("bank")
    labels = {f.id: f.label_zh for f in framework.fields}
    with i18n.reading("zh_CN"):
        code = str(FIXED_COLUMNS["agency_code"])  # a word the whole product shares
    assert header == [code, "月份", *[labels[f] for f in bank]] and not code.isascii()
    assert "报案损失金额" in header
    assert book.sheetnames == ["报送数据", "填写示例", "字段说明"]
    english_header = [c.value for c in load_workbook(english).worksheets[0][1]]
    assert english_header == ["agency_code", "period", *bank]
    with i18n.reading("zh_CN"):
        read_chinese = check_upload(framework, read_table(chinese), TYPES, TODAY)
    read_english = check_upload(framework, read_table(english), TYPES, TODAY)
    assert read_chinese.ok, [str(e) for e in read_chinese.errors]
    assert read_english.ok, [str(e) for e in read_english.errors]
    pd.testing.assert_frame_equal(read_chinese.figures, read_english.figures)
    assert read_chinese.figures["loss_reported"].notna().all()
    # The example sheet of the Chinese template reads back too.
    with i18n.reading("zh_CN"):
        data = template_xlsx(framework, "bank", "BK01", "2026-10")
    example = read_table_bytes(data, "模板.xlsx", sheet="填写示例")
    assert check_upload(framework, example, TYPES, TODAY).ok


def hostile_free_evaluation(framework: Framework):  # type: ignore[no-untyped-def]
    """An evaluation of two banks, one with a Chinese name."""
    agencies = agencies_frame([("BK01", "bank"), ("BK02", "bank")])
    agencies["name_zh"] = ["第一银行", ""]
    figures = pd.DataFrame(
        [
            {"agency_code": "BK01", "period": "2026-10", "loss_reported": 100.0},
            {"agency_code": "BK02", "period": "2026-10", "loss_reported": 50.0},
        ]
    )
    return evaluate(framework, figures, agencies, "2026-10")


def exported_header(path: Path) -> list[str]:
    """The first row of a written CSV or XLSX file."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle))
    sheet = load_workbook(path).active
    assert sheet is not None
    return [str(c.value) for c in sheet[1]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_are_headed_in_the_readers_language(
    framework: Framework, tmp_path: Path, kind: str
) -> None:
    evaluation = hostile_free_evaluation(framework)
    columns = score_columns(framework)
    write = to_csv if kind == "csv" else to_xlsx
    dimension = framework.dimensions[0]
    for language in ("zh_CN", "en"):
        with i18n.reading(language):
            path = tmp_path / f"{language}.{kind}"
            path.write_bytes(write(evaluation, columns))
        header = exported_header(path)
        assert len(header) == len(columns) == len(set(header))
        if language == "zh_CN":
            with i18n.reading(language):  # words the whole product shares
                words = [str(COLUMN_WORDS[c]) for c in columns[:10]]
            assert header[:10] == words and not any(w.isascii() for w in words)
            assert {"排名", "同类排名", "考评等次"} <= set(words)
            assert f"{dimension.label_zh}（维度得分）" in header
        else:
            assert header[:10] == [
                "Agency code",
                "Agency",
                "Type",
                "Period",
                "Score",
                "Rank",
                "Rank in type",
                "Rank change",
                "Tier",
                "Flags",
            ]
            assert f"{dimension.label} (dimension score)" in header
    chinese = pd.read_csv(tmp_path / "zh_CN.csv") if kind == "csv" else None
    if chinese is not None:
        name, kind, period, tier = chinese.columns[[1, 2, 3, 8]]
        assert set(chinese[name]) == {"第一银行", "Agency BK02"}
        assert set(chinese[kind]) == {"银行"} and set(chinese[period]) == {"2026年10月"}
        assert set(chinese[tier]) <= {t.label_zh for t in framework.tiers}
        english = pd.read_csv(tmp_path / "en.csv")
        assert set(english["Agency"]) == {"Agency BK01", "Agency BK02"}
        assert set(english["Type"]) == {"Bank"} and set(english["Period"]) == {"Oct 2026"}


def test_an_upload_problem_names_row_column_expected_and_found_in_both_languages(
    framework: Framework, tmp_path: Path
) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(
        "agency_code,period,loss_reported\nBK01,2026-10,1000\nBK02,2026-10,很多\n",
        encoding="utf-8-sig",
    )
    result = check_upload(framework, read_table(path), TYPES, TODAY)
    (problem,) = result.errors
    assert problem.row == 3 and problem.column == "loss_reported"
    assert str(problem) == 'row 3, loss_reported: expected a number, got "很多"'
    with i18n.reading("zh_CN"):
        assert str(problem) == "第3行，报案损失金额（loss_reported）：应为数字，实为“很多”"
    # A file headed by the Chinese template names the column as it is headed.
    chinese = tmp_path / "数据.csv"
    with i18n.reading("zh_CN"):
        code = str(FIXED_COLUMNS["agency_code"])
    chinese.write_text(
        f"{code},月份,报案损失金额\nBK01,2026-10,-5\nXX,2026-13,1\n", encoding="utf-8-sig"
    )
    with i18n.reading("zh_CN"):
        found = [str(e) for e in check_upload(framework, read_table(chinese), TYPES, TODAY).errors]
    assert found == [
        "第2行，报案损失金额：应为不小于0的数字，实为-5",
        f"第3行，{code}：单位代码“XX”未登记",
        "第3行，月份：应为月份，如2026-10、2026/10、202610或2026年10月，实为“2026-13”",
    ]
    english = [str(e) for e in check_upload(framework, read_table(chinese), TYPES, TODAY).errors]
    assert (
        english[0] == "row 2, Fraud losses reported (报案损失金额): expected a number >= 0, got -5"
    )


def test_file_refusals_and_warnings_speak_chinese(framework: Framework) -> None:
    with pytest.raises(InputError) as refused:
        read_table_bytes(b"a,b\n", "figures.txt")
    with i18n.reading("zh_CN"):  # rendered when read, in the reader's language
        assert str(refused.value) == "figures.txt：应为.csv或.xlsx文件，实为.txt文件"
    assert str(refused.value) == "figures.txt: expected a .csv or .xlsx file, got .txt"
    table = pd.DataFrame(
        [
            {"agency_code": "BK01", "period": "2026-08", "loss_reported": "1000"},
            {"agency_code": "BK01", "period": "2026-09", "loss_reported": "50,000"},
        ]
    )
    (warning,) = check_upload(framework, table, TYPES, TODAY).warnings
    with i18n.reading("zh_CN"):
        assert str(warning) == (
            "第3行，报案损失金额（loss_reported）：50,000与上月的1,000相差超过10倍，请核实"
        )


def test_the_agencies_template_reads_back_in_either_language(framework: Framework) -> None:
    with i18n.reading("zh_CN"):
        code = str(FIXED_COLUMNS["agency_code"])
    for language in ("zh_CN", "en"):
        with i18n.reading(language):
            raw = agencies_template(framework)
        table = agency_table(framework, read_table_bytes(raw, "agencies.csv"))
        checked = check_agencies(framework, table)
        assert sorted(checked["type"]) == sorted(framework.type_ids()), language
    with i18n.reading("zh_CN"):
        header = read_table_bytes(agencies_template(framework), "a.csv").columns.tolist()
    assert header[1:] == ["单位名称（英文）", "单位名称", "单位类型"] and header[0] == code
    typed = pd.DataFrame({"编码": ["X1"], "类型": ["Bank"]}).rename(columns={"编码": "代码"})
    assert agency_table(framework, typed).to_dict("records") == [{"code": "X1", "type": "bank"}]
