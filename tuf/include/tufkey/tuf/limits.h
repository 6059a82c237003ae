// The one set of size limits for metadata (issue #14). Every reader applies them before it
// parses (tufkey pull, client, bundle import, verify and publish's verify all fetch through
// tuf::Updater / load_delegation_tree, whose caps come from here), and writers ask the same
// ceiling before they write (serialize_envelope refuses a file no reader would accept: "never
// write what cannot be read").
//
//   a role whose length the referrer lists (timestamp -> snapshot, snapshot -> roles):
//       the listed length, never more than kMaxMetadataLength;
//   a role whose length is not listed (python-tuf's default snapshot lists versions only):
//       the role's default below (python-tuf's and tuf-js's own);
//   parsing (parse_json): at most kMaxMetadataLength bytes of input, and a tree of at most
//       kJsonTreeBytesPerInputByte bytes per input byte (plus kJsonTreeSlack): a structure
//       that would cost more, such as a long array of empty objects, is refused while it is
//       being read, before the memory is spent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace tufkey::tuf {

enum class RoleKind;  // role_name.h

// The largest metadata file any reader accepts, whatever its referrer lists: room for a notary
// targets.json with a million targets (~95 MB).
inline constexpr std::size_t kMaxMetadataLength = std::size_t{128} << 20;

// When the referrer lists no length.
inline constexpr std::size_t kDefaultRootLength = 512000;  // root is never listed with a length
inline constexpr std::size_t kDefaultTimestampLength = 16384;
inline constexpr std::size_t kDefaultSnapshotLength = 2000000;
inline constexpr std::size_t kDefaultTargetsLength = 5000000;  // targets and every delegated role

// The tree parse_json builds may use this many bytes per byte of input, plus the slack.
// Real metadata needs 6-14 (a targets entry about 7; an array of short path patterns 14).
inline constexpr std::size_t kJsonTreeBytesPerInputByte = 16;
inline constexpr std::size_t kJsonTreeSlack = std::size_t{1} << 20;

// The default above for `kind`.
std::size_t default_metadata_length(RoleKind kind);
// The cap for fetching or reading a file of role `kind`: `listed` bounded by
// kMaxMetadataLength, else default_metadata_length(kind).
std::size_t metadata_length_cap(RoleKind kind, std::optional<std::uint64_t> listed);

}  // namespace tufkey::tuf
