// Internal: the line-level helpers the transcript writer (transcript.cc), its checker and its
// merge (transcript_merge.cc) share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tufkey::ceremony::detail {

// The `prev` of a transcript's first line.
inline const std::string kTranscriptZeroHash(64, '0');

// The SHA-256 (hex) of one line's bytes: what the next line's `prev` names.
std::string transcript_line_hash(std::string_view line);

// The non-empty lines of a transcript file, without their line breaks.
std::vector<std::string> transcript_lines(std::string_view contents);

}  // namespace tufkey::ceremony::detail
