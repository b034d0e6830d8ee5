"""The build: plan what to make and reuse, carry it out, commit the output folder."""

from audioguide.build.execute import (
    BuildOptions,
    BuildReport,
    ProgressEvent,
    build_guide,
    default_outdir,
)

__all__ = ["BuildOptions", "BuildReport", "ProgressEvent", "build_guide", "default_outdir"]
