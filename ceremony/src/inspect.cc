#include "tufkey/ceremony/inspect.h"

#include <algorithm>
#include <map>
#include <set>

#include "repository_state.h"
#include "tufkey/ceremony/sign.h"
#include "tufkey/core/encoding.h"

namespace tufkey::ceremony {
namespace {

using tuf::RoleName;

bool is_released(tuf::Dialect dialect, const RoleName& role) {
    return role == RoleName::targets() || detail::is_release_role(dialect, role);
}

std::string signer_name(const RoleName& role) {
    constexpr std::string_view prefix = "targets/";
    const std::string& s = role.str();
    return s.starts_with(prefix) ? s.substr(prefix.size()) : s;
}

std::string sha256_hex(const tuf::TargetFile& file) {
    auto h = file.hashes.find("sha256");
    return h == file.hashes.end() ? std::string() : core::hex_encode(h->second);
}

// Natural order: runs of digits compare as numbers ("v2" < "v10").
bool natural_less(std::string_view a, std::string_view b) {
    std::size_t i = 0, j = 0;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            std::size_t ei = i, ej = j;
            while (ei < a.size() && digit(a[ei])) ++ei;
            while (ej < b.size() && digit(b[ej])) ++ej;
            auto na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
            while (na.size() > 1 && na.front() == '0') na.remove_prefix(1);
            while (nb.size() > 1 && nb.front() == '0') nb.remove_prefix(1);
            if (na.size() != nb.size()) return na.size() < nb.size();
            if (na != nb) return na < nb;
            i = ei;
            j = ej;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

std::vector<InspectedTag> signed_tags(const detail::RepositoryState& state, const std::string& only_tag) {
    const tuf::Dialect d = state.dialect();
    std::map<std::pair<std::string, std::string>, std::set<std::string>> rows;  // (tag, digest) -> signers
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto& role : state.targets_roles()) {
            if (!role.targets || is_released(d, role.name) != (pass == 0)) continue;
            for (const auto& [tag, file] : role.targets->targets) {
                if (!only_tag.empty() && tag != only_tag) continue;
                auto key = std::make_pair(tag, sha256_hex(file));
                if (pass == 0)
                    rows[key];
                else if (auto row = rows.find(key); row != rows.end())
                    row->second.insert(signer_name(role.name));
            }
        }
    }
    std::vector<InspectedTag> out;
    for (auto& [key, signers] : rows) {
        InspectedTag tag{key.first, key.second, {signers.begin(), signers.end()}};
        if (tag.signers.empty()) tag.signers.push_back(kRepoAdmin);
        out.push_back(std::move(tag));
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return natural_less(a.tag, b.tag); });
    return out;
}

std::vector<std::string> canonical_ids(const detail::Authority& authority) {
    std::vector<std::string> ids;
    for (const auto& id : authority.keyids) {
        auto key = authority.keys->find(id);
        ids.push_back(key == authority.keys->end() ? id.str() : key->second.canonical_id().str());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<InspectedSigner> delegation_signers(const detail::RepositoryState& state) {
    std::vector<InspectedSigner> out;
    for (const auto& role : state.targets_roles()) {
        if (!role.parent || detail::is_release_role(state.dialect(), role.name)) continue;
        auto authority = state.authority(role.name);
        if (!authority) continue;
        auto ids = canonical_ids(*authority);
        out.push_back({signer_name(role.name), ids, ids});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name > b.name; });
    return out;
}

}  // namespace

core::Result<Inspection> inspect_repository(const keystore::TrustHome& home, std::string_view name) {
    auto [gun, tag] = split_gun_tag(name);
    auto state = detail::RepositoryState::load(home, gun, false);
    if (!state) {
        auto error = std::move(state).error();
        if (error.code != core::ErrorCode::trust) return error;
        error.message = "no signatures or cannot access " + std::string(name) + ": " + error.message;
        return error;
    }
    Inspection out;
    out.name = std::string(name);
    out.signed_tags = signed_tags(*state, tag);
    out.signers = delegation_signers(*state);
    std::vector<std::pair<std::string, std::string>> root_ids;  // root.json ID -> canonical
    for (const auto& id : state->root().root.keyids) {
        auto key = state->root().keys.find(id);
        root_ids.emplace_back(id.str(), key == state->root().keys.end() ? id.str() : key->second.canonical_id().str());
    }
    std::sort(root_ids.begin(), root_ids.end());
    InspectedSigner root{"Root", {}, {}};
    for (auto& [id, canonical] : root_ids) {
        root.key_ids.push_back(id);
        root.canonical_ids.push_back(canonical);
    }
    out.administrative_keys.push_back(std::move(root));
    TUFKEY_TRY(auto targets, state->authority(RoleName::targets()));
    auto targets_ids = canonical_ids(targets);
    out.administrative_keys.push_back({"Repository", targets_ids, targets_ids});
    return out;
}

}  // namespace tufkey::ceremony
