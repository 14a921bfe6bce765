"""The CJK fonts the documents embed, and the Debian packages that install them: a Song face
for body text (AR PL UMing) and a bold sans face for titles (WenQuanYi Zen Hei)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evaluation.errors import EvaluationError
from evaluation.i18n import N_


@dataclass(frozen=True)
class Font:
    """A TrueType collection, the face used in it, and the package that installs it."""

    name: str
    path: Path
    index: int
    package: str


BODY = Font("BodySong", Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0, "fonts-arphic-uming")
TITLE = Font(
    "TitleHei", Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0, "fonts-wqy-zenhei"
)
# What Word or WPS shows when the embedded faces are not on the reader's machine.
WORD_BODY, WORD_TITLE = "SimSun", "SimHei"  # i18n: not text


class MissingFontError(EvaluationError):
    """A font the documents need is not installed."""


def installed(font: Font) -> Path:
    """The font's file, or an error naming the Debian package that installs it."""
    if not font.path.is_file():
        raise MissingFontError(
            N_(
                "the font file {path} is missing: install the Debian package {package} "
                "(apt-get install {package}, or make fonts)",
                path=str(font.path),
                package=font.package,
            )
        )
    return font.path
