#include "tufkey/core/result.h"

namespace tufkey::core {

int exit_code(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::trust:
            return 1;
        case ErrorCode::usage:
            return 2;
        case ErrorCode::key:
        case ErrorCode::token:
            return 3;
        case ErrorCode::io:
        case ErrorCode::remote:
            return 4;
        case ErrorCode::refused:
            return 5;
        case ErrorCode::expiring:
            return 6;
        case ErrorCode::internal:
            return 4;
    }
    return 4;
}

const char* to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::trust:
            return "trust";
        case ErrorCode::usage:
            return "usage";
        case ErrorCode::key:
            return "key";
        case ErrorCode::token:
            return "token";
        case ErrorCode::io:
            return "io";
        case ErrorCode::remote:
            return "remote";
        case ErrorCode::refused:
            return "refused";
        case ErrorCode::expiring:
            return "expiring";
        case ErrorCode::internal:
            return "internal";
    }
    return "internal";
}

const char* to_string(TrustReason reason) noexcept {
    switch (reason) {
        case TrustReason::none:
            return "none";
        case TrustReason::malformed:
            return "malformed";
        case TrustReason::wrong_type:
            return "wrong-type";
        case TrustReason::unknown_key:
            return "unknown-key";
        case TrustReason::threshold:
            return "threshold";
        case TrustReason::rollback:
            return "rollback";
        case TrustReason::version_mismatch:
            return "version-mismatch";
        case TrustReason::expired:
            return "expired";
        case TrustReason::length_mismatch:
            return "length-mismatch";
        case TrustReason::hash_mismatch:
            return "hash-mismatch";
        case TrustReason::unsupported:
            return "unsupported";
        case TrustReason::not_listed:
            return "not-listed";
        case TrustReason::missing:
            return "missing";
        case TrustReason::delegation:
            return "delegation";
        case TrustReason::certificate:
            return "certificate";
        case TrustReason::dialect_mismatch:
            return "dialect-mismatch";
        case TrustReason::not_found:
            return "not-found";
    }
    return "none";
}

}  // namespace tufkey::core
