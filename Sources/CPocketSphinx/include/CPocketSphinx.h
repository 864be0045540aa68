#ifndef SECONDPASS_CPOCKETSPHINX_H
#define SECONDPASS_CPOCKETSPHINX_H

// A small C face over CMU PocketSphinx (Debian libpocketsphinx-dev, 0.8+5prealpha) for Swift:
// `cmd_ln_init` is variadic, and the N-best iterator's segments carry no scores in this version,
// so the shim rescores each N-best path on the lattice the way the decoder's best-path search does.
// One decoder per thread: a decoder is not thread-safe.

#include <stddef.h>
#include <stdint.h>

typedef struct sp_decoder sp_decoder;

/// One hypothesis: filler-free words, and scores in natural-log units.
typedef struct {
    /// Words separated by single spaces, pronunciation variants and fillers removed (malloc'd).
    char *text;
    /// The decoder's best-path score of this path (acoustic + weighted LM + insertion penalties).
    double total;
    /// Sum of the lattice links' acoustic scores along the path.
    double acoustic;
    /// Unweighted trigram log-probability of the words, `<s>` and `</s>` included.
    double lm;
    /// 1 for the decoder's own 1-best (`ps_get_hyp`), 0 for an N-best entry.
    int is_best;
} sp_hypothesis;

/// Creates a decoder; on failure returns NULL and writes a reason into `error` (size `error_size`).
sp_decoder *sp_decoder_create(const char *hmm, const char *lm, const char *dict, char *error,
                              size_t error_size);
void sp_decoder_free(sp_decoder *decoder);

/// Decodes one utterance of 16 kHz 16-bit mono samples and collects the decoder's 1-best followed
/// by up to `nbest` A* N-best paths, each scored as above. Returns the number of hypotheses
/// (0 when the decoder found no words) or -1 on a decoder failure (reason in `error`).
/// Free the result with `sp_hypotheses_free`.
int sp_decode(sp_decoder *decoder, const int16_t *samples, size_t count, int nbest,
              sp_hypothesis **out, char *error, size_t error_size);
void sp_hypotheses_free(sp_hypothesis *hypotheses, int count);

#endif
