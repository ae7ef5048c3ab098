"""How long the demo's Re-render takes for a 10 s clip, against a full dub of the same clip.

Re-render applies plan edits without analysing again (render + mux only); target ≤ 1 s for
a 10 s clip with the weight-free engine. Prints both times and their ratio.

    python bench/rerender.py [--seconds 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.synth_media import make_clip
from vidfoley.demo.jobs import dub_clip, rerender
from vidfoley.demo.plan_table import apply_rows, plan_to_rows
from vidfoley.demo.workspace import Workspace
from vidfoley.pipeline.example import EXAMPLE_PROMPT, _floor, draw_frame
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        background = _floor()
        clip = make_clip(folder / "ball.mp4", fps=25, seconds=args.seconds, width=640,
                         height=360, draw=lambda t, w, h: draw_frame(t % 4.0, background))
        pipeline, workspace = FoleyPipeline(), Workspace.create(folder)
        dubs, renders = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = dub_clip(pipeline, workspace, clip, EXAMPLE_PROMPT, DubOptions(),
                           max_clip_s=args.seconds + 1)
            dubs.append(time.perf_counter() - start)
            rows = plan_to_rows(out.session.plan)
            rows[0][3] = -6.0  # a gain edit, as a person would make in the table
            plan = apply_rows(out.session.plan, rows)
            start = time.perf_counter()
            rerender(pipeline, workspace, out.session, plan)
            renders.append(time.perf_counter() - start)
    dub_s, render_s = min(dubs), min(renders)
    print(f"clip              {args.seconds:g} s, 640x360, 25 fps, {len(plan.layers)} layers")
    print(f"full dub          {dub_s:.3f} s (analysis, render, mux, timeline, overlay, stems)")
    print(f"re-render         {render_s:.3f} s (render + mux, no analysis)  target <= 1 s")
    print(f"ratio             {render_s / dub_s:.2f} of a full dub")


if __name__ == "__main__":
    main()
