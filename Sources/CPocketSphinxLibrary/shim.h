// The Debian pocketsphinx headers (pkg-config `pocketsphinx`), for the CPocketSphinx shim only.
#include <pocketsphinx.h>
#include <ps_lattice.h>
#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/ngram_model.h>
