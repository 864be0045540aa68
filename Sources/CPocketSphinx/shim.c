#include "CPocketSphinx.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pocketsphinx.h>
#include <ps_lattice.h>
#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/ngram_model.h>

// Senone and path scores are kept 10 bits below the log-math base (SENSCR_SHIFT, an internal
// pocketsphinx constant that its installed headers do not export).
#define SP_SCORE_SHIFT 10

struct sp_decoder {
    ps_decoder_t *ps;
    /// The decoder's LM set (borrowed): weights applied, word ids = dictionary base-word ids.
    ngram_model_t *lmset;
    logmath_t *lmath;
    /// Best-path LM weight relative to the weights applied to `lmset` (-bestpathlw / -lw).
    float lwf;
    /// Natural-log value of one unit of a shifted path score.
    double nats_per_unit;
};

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

/// The decoder logs every step to stderr by default; the recorder reports its own errors.
static void quiet_logging(void) { err_set_logfp(NULL); }

static void set_error(char *error, size_t size, const char *format, ...) {
    if (!error || size == 0) return;
    va_list args;
    va_start(args, format);
    vsnprintf(error, size, format, args);
    va_end(args);
}

sp_decoder *sp_decoder_create(const char *hmm, const char *lm, const char *dict, char *error,
                              size_t error_size) {
    pthread_once(&quiet_once, quiet_logging);
    cmd_ln_t *config = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-lm", lm, "-dict", dict, "-cmn", "batch", NULL);
    if (!config) {
        set_error(error, error_size, "pocketsphinx rejected the configuration (hmm %s, lm %s, dict %s)",
                  hmm, lm, dict);
        return NULL;
    }
    ps_decoder_t *ps = ps_init(config);
    cmd_ln_free_r(config);  // the decoder keeps its own reference
    if (!ps) {
        set_error(error, error_size, "pocketsphinx could not load the models (hmm %s, lm %s, dict %s)",
                  hmm, lm, dict);
        return NULL;
    }
    ngram_model_t *lmset = ps_get_lm(ps, ps_get_search(ps));
    if (!lmset) {
        set_error(error, error_size, "pocketsphinx has no n-gram search for %s", lm);
        ps_free(ps);
        return NULL;
    }
    sp_decoder *decoder = calloc(1, sizeof(*decoder));
    decoder->ps = ps;
    decoder->lmset = lmset;
    decoder->lmath = ps_get_logmath(ps);
    cmd_ln_t *active = ps_get_config(ps);
    decoder->lwf = cmd_ln_float32_r(active, "-bestpathlw") / cmd_ln_float32_r(active, "-lw");
    decoder->nats_per_unit = (double)(1 << SP_SCORE_SHIFT) * log(logmath_get_base(decoder->lmath));
    return decoder;
}

void sp_decoder_free(sp_decoder *decoder) {
    if (!decoder) return;
    ps_free(decoder->ps);
    free(decoder);
}

void sp_hypotheses_free(sp_hypothesis *hypotheses, int count) {
    if (!hypotheses) return;
    for (int i = 0; i < count; i++) free(hypotheses[i].text);
    free(hypotheses);
}

/// A path through the lattice: its nodes from `<s>` to `</s>`.
typedef struct {
    ps_latnode_t **nodes;
    int count;
    int capacity;
} sp_path;

static void path_append(sp_path *path, ps_latnode_t *node) {
    if (path->count == path->capacity) {
        path->capacity = path->capacity ? path->capacity * 2 : 32;
        path->nodes = realloc(path->nodes, sizeof(*path->nodes) * (size_t)path->capacity);
    }
    path->nodes[path->count++] = node;
}

/// The lattice node with this word (pronunciation variant included) starting at frame `sf`.
static ps_latnode_t *find_node(ps_lattice_t *dag, const char *word, int sf) {
    for (ps_latnode_iter_t *it = ps_latnode_iter(dag); it; it = ps_latnode_iter_next(it)) {
        ps_latnode_t *node = ps_latnode_iter_node(it);
        int16 fef, lef;
        if (ps_latnode_times(node, &fef, &lef) == sf && strcmp(ps_latnode_word(dag, node), word) == 0) {
            ps_latnode_iter_free(it);
            return node;
        }
    }
    return NULL;
}

/// Fillers (`<sil>`, `[NOISE]`, `<s>`/`</s>` inside an utterance, `++…++`) carry no LM score
/// and are left out of the text, as in the decoder's own best-path search.
static int is_filler(const char *word) { return word[0] == '<' || word[0] == '[' || word[0] == '+'; }

/// The nodes of a segmentation, or an empty path when a segment is not a lattice node.
static sp_path path_from_segments(ps_lattice_t *dag, ps_seg_t *seg) {
    sp_path path = {0};
    int missing = 0;
    for (; seg; seg = ps_seg_next(seg)) {
        int sf, ef;
        ps_seg_frames(seg, &sf, &ef);
        ps_latnode_t *node = find_node(dag, ps_seg_word(seg), sf);
        if (!node) missing = 1;
        else path_append(&path, node);
    }
    if (missing) path.count = 0;
    return path;
}

/// Scores a path as `ps_lattice_bestpath` does (integer path score, LM of non-filler words from
/// the last two non-filler words, `<s>` included), plus its acoustic sum and unweighted LM.
/// Returns 0 when two consecutive nodes are not linked in the lattice.
static int score_path(sp_decoder *decoder, ps_lattice_t *dag, const sp_path *path, sp_hypothesis *out) {
    int32 score = 0;
    int64_t acoustic = 0;
    double lm = 0;
    int32 history[2];
    int n_history = 0;
    size_t text_capacity = 1;
    for (int i = 0; i < path->count; i++) text_capacity += strlen(ps_latnode_baseword(dag, path->nodes[i])) + 1;
    char *text = calloc(1, text_capacity);
    for (int i = 0; i < path->count; i++) {
        ps_latnode_t *node = path->nodes[i];
        const char *word = ps_latnode_baseword(dag, node);
        int is_end = i == path->count - 1;
        if (i > 0) {
            int32 ascr = 0;
            int linked = 0;
            for (ps_latlink_iter_t *it = ps_latnode_exits(path->nodes[i - 1]); it; it = ps_latlink_iter_next(it)) {
                ps_latlink_t *link = ps_latlink_iter_link(it);
                ps_latnode_t *from;
                if (ps_latlink_nodes(link, &from) == node) {
                    ps_latlink_prob(dag, link, &ascr);
                    linked = 1;
                    ps_latlink_iter_free(it);
                    break;
                }
            }
            if (!linked) {
                free(text);
                return 0;
            }
            int32 shifted = ascr >> SP_SCORE_SHIFT;
            score += shifted;
            acoustic += shifted;
        }
        if (i == 0) {
            history[0] = ngram_wid(decoder->lmset, word);
            n_history = 1;
            continue;
        }
        if (!is_end && is_filler(word)) continue;
        int32 wid = ngram_wid(decoder->lmset, word);
        int32 used;
        int32 weighted = ngram_ng_score(decoder->lmset, wid, history, n_history, &used);
        score = (int32)((float)score + (float)(weighted >> SP_SCORE_SHIFT) * decoder->lwf);
        lm += logmath_log_to_ln(decoder->lmath, ngram_ng_prob(decoder->lmset, wid, history, n_history, &used));
        history[1] = history[0];
        history[0] = wid;
        n_history = 2;
        if (!is_end) {
            if (text[0]) strcat(text, " ");
            strcat(text, word);
        }
    }
    out->text = text;
    out->total = (double)score * decoder->nats_per_unit;
    out->acoustic = (double)acoustic * decoder->nats_per_unit;
    out->lm = lm;
    return 1;
}

int sp_decode(sp_decoder *decoder, const int16_t *samples, size_t count, int nbest,
              sp_hypothesis **out, char *error, size_t error_size) {
    *out = NULL;
    ps_decoder_t *ps = decoder->ps;
    // A new stream per utterance resets the noise and cepstral-mean estimates, so an utterance's
    // result does not depend on which utterances the same decoder heard before.
    if (ps_start_stream(ps) < 0 || ps_start_utt(ps) < 0) {
        set_error(error, error_size, "ps_start_utt failed");
        return -1;
    }
    if (ps_process_raw(ps, samples, count, 0, 1) < 0) {
        ps_end_utt(ps);
        set_error(error, error_size, "ps_process_raw failed on %zu samples", count);
        return -1;
    }
    if (ps_end_utt(ps) < 0) {
        set_error(error, error_size, "ps_end_utt failed");
        return -1;
    }
    int32 best_score;
    const char *best = ps_get_hyp(ps, &best_score);
    (void)best_score;  // rescored below on the lattice, in the same units as the N-best paths
    ps_lattice_t *dag = ps_get_lattice(ps);
    if (!best || !dag) return 0;

    sp_hypothesis *hypotheses = calloc((size_t)nbest + 1, sizeof(*hypotheses));
    int n = 0;
    sp_path path = path_from_segments(dag, ps_seg_iter(ps));
    if (path.count == 0 || !score_path(decoder, dag, &path, &hypotheses[0])) {
        free(path.nodes);
        free(hypotheses);
        set_error(error, error_size, "the 1-best \"%s\" is not a path of the decoder's lattice", best);
        return -1;
    }
    hypotheses[0].is_best = 1;
    n = 1;
    free(path.nodes);

    ps_nbest_t *it = ps_nbest(ps);
    for (int k = 0; it && k < nbest; k++, it = ps_nbest_next(it)) {
        sp_path entry = path_from_segments(dag, ps_nbest_seg(it));
        if (entry.count > 0 && score_path(decoder, dag, &entry, &hypotheses[n])) n++;
        free(entry.nodes);
    }
    if (it) ps_nbest_free(it);
    *out = hypotheses;
    return n;
}
