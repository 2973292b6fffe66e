"""Draw the README's pictures with nbopt's own export: ``python scripts/readme_media.py``."""

from __future__ import annotations

from pathlib import Path

from nbopt import export, optimizers

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    race = optimizers.Race(
        "rosenbrock",
        {
            "SGD momentum": optimizers.SGD(lr=1e-3, momentum=0.9),
            "RMSProp": optimizers.RMSProp(lr=1e-2),
            "Adam": optimizers.Adam(lr=0.05),
        },
        start=(-1.5, 2.0),
        steps=600,
    )
    race.run_to_end()
    out = export.save(race, ROOT / "docs" / "race.gif", frames=40, fps=12)
    print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
