"""The recorded sound library: licensed recordings indexed by a manifest, retrieved per layer
and adjusted by physics (see :mod:`vidfoley.audio_gen.library.manifest`)."""
