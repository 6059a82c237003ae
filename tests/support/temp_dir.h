// TempDir: a private directory under $TMPDIR (or /tmp) removed with everything in it.
#pragma once

#include <filesystem>
#include <string>

namespace tufkey::testing {

class TempDir final {
public:
    explicit TempDir(const std::string& prefix = "tufkey-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

// Whole-file helpers for tests.
std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);
// The same, then mode 0600: for PIN files, which tufkey refuses when others can read them.
void write_secret_text(const std::filesystem::path& path, const std::string& text);

}  // namespace tufkey::testing
