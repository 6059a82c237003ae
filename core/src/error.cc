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

}  // namespace tufkey::core
