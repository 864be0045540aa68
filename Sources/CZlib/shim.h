#pragma once
#include <zlib.h>

// deflateInit2 and inflateInit2 are macros (they pass the library version and the struct size),
// which Swift cannot call; these wrappers select the gzip format (window bits 15 + 16).

static inline int czlib_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
