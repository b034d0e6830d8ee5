"""The build: plan what to make and keep, carry it out, commit the output folder.

    previous = load_previous(outdir)
    plan = plan_build(document, settings, previous, environment=..., outdir=outdir)
    report = execute(plan, BuildOptions(outdir))

or all three at once with :func:`build_guide`. :func:`open_guide` reads a
finished guide back (tracks, tags, mastered samples) for tests and tools.
"""

from audioguide.pipeline.execute import (
    BuildOptions,
    BuildReport,
    ProgressEvent,
    build_guide,
    default_outdir,
    execute,
)
from audioguide.pipeline.guide import open_guide
from audioguide.pipeline.plan import BuildPlan, Environment, PreviousBuild, load_previous, plan_build

__all__ = [
    "BuildOptions",
    "BuildPlan",
    "BuildReport",
    "Environment",
    "PreviousBuild",
    "ProgressEvent",
    "build_guide",
    "default_outdir",
    "execute",
    "load_previous",
    "open_guide",
    "plan_build",
]
