#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

// Headers live in /usr/include/libxml2/libxml/*.h; the -I comes from pkg-config (libxml-2.0).
#include <libxml/xmlversion.h>

// Debian builds libxml2 with ICU: <libxml/encoding.h> would pull in the system <unicode/ucnv.h>,
// whose UErrorCode clashes with the toolchain's _FoundationICU. libxml2's public structs only hold
// pointers to ICU types, so opaque declarations keep the layout intact.
#if defined(LIBXML_ICU_ENABLED) && !defined(UCNV_H)
#include <stdint.h>
#define UCNV_H 1
typedef struct UConverter UConverter;
typedef uint16_t UChar;
#endif

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>
#include <libxml/SAX2.h>

/// `xmlFree` is a C global variable (a function pointer): Swift 6 cannot read it safely.
static inline void clibxml2_free(void *p) { xmlFree(p); }

/// `xmlParserVersion` is a macro over a function in thread-enabled builds.
static inline const char *clibxml2_runtime_version(void) { return xmlParserVersion; }

/// Byte offset of the parser's current position within its input buffer (0 when unknown).
static inline long clibxml2_input_offset(xmlParserCtxtPtr ctxt) {
    if (ctxt == NULL || ctxt->input == NULL || ctxt->input->cur == NULL || ctxt->input->base == NULL) return 0;
    return (long)(ctxt->input->cur - ctxt->input->base);
}

/// Parses `length` bytes at `bytes` with `ctxt`'s SAX handler, reading them where they are instead of first copying
/// them into a libxml2 input buffer as xmlCtxtReadMemory does (a third less parse time for small documents).
/// `bytes[length]` must be a NUL byte: libxml2 stops on it. Without an input buffer there is no encoding
/// conversion: the text is read as UTF-8, so pass XML_PARSE_IGNORE_ENC to ignore a declared encoding.
/// Returns -1 when the input could not be set up (out of memory), else 0; ctxt->wellFormed says how it went.
static inline int clibxml2_parse_in_place(xmlParserCtxtPtr ctxt, const char *bytes, int length, int options) {
    xmlCtxtReset(ctxt);
    xmlParserInputPtr input = xmlNewInputStream(ctxt);
    if (input == NULL) return -1;
    input->base = (const xmlChar *)bytes;
    input->cur = input->base;
    input->end = input->base + length;
    if (inputPush(ctxt, input) < 0) return -1;  // inputPush frees the input when it fails
    xmlCtxtUseOptions(ctxt, options);
    xmlParseDocument(ctxt);
    return 0;
}

#endif
