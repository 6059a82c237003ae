// Internal: a delegate's signed roles arriving in a bundle. A delegate signs its role in a home
// that holds no snapshot key (`tufkey sign --role ROLE`, sign.h), so its bundle carries that role
// newer than the bundle's own snapshot lists it. The owner's `bundle import` adopts it: the
// owner's current files, the delegate's roles, and snapshot and timestamp re-signed here over
// them (nothing written). That candidate then goes through the verification pipeline like any
// bundle, which alone decides whether the delegate's roles are trusted (keys and threshold of
// their delegation, version, expiry).
#pragma once

#include <string>
#include <vector>

#include "metadata_set.h"
#include "tufkey/ceremony/key_access.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/core/result.h"

namespace tufkey::ceremony::detail {

struct AdoptedWork final {
    MetadataSet set;                     // what to import (the bundle itself when nothing is adopted)
    std::vector<tuf::RoleName> adopted;  // the delegate's roles taken in
};

// The delegated roles of `bundle` that its own snapshot does not list with these bytes. When
// there are some, this home manages `repo`, holds a key for snapshot and timestamp, delegates
// each of those roles and holds no newer copy of the bundle's other roles, returns the candidate
// described above; otherwise `bundle` unchanged (whose import then fails or succeeds as before).
core::Result<AdoptedWork> adopt_delegate_work(KeyAccess& access, const Repository& repo, MetadataSet bundle);

}  // namespace tufkey::ceremony::detail
