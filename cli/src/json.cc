#include "json.h"

#include <fmt/core.h>

#include <stdexcept>

namespace tufkey::cli {
namespace {

void append_string(std::string& out, std::string_view text) {
    out += '"';
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (byte < 0x20 || byte == 0x7f) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(byte));
        } else {
            out += c;
        }
    }
    out += '"';
}

}  // namespace

JsonValue JsonValue::strings(const std::vector<tuf::RoleName>& roles) {
    JsonValue out = array();
    for (const auto& role : roles) out.push(JsonValue(role.str()));
    return out;
}

JsonValue JsonValue::strings(const std::vector<std::string>& items) {
    JsonValue out = array();
    for (const auto& item : items) out.push(item);
    return out;
}

JsonValue& JsonValue::set(std::string key, JsonValue value) {
    auto* object = std::get_if<Object>(&m_value);
    if (object == nullptr) throw std::logic_error("JsonValue::set on a value that is not an object");
    for (auto& [k, v] : object->members) {
        if (k == key) {
            v = std::move(value);
            return *this;
        }
    }
    object->members.emplace_back(std::move(key), std::move(value));
    return *this;
}

JsonValue& JsonValue::push(JsonValue value) {
    auto* array = std::get_if<Array>(&m_value);
    if (array == nullptr) throw std::logic_error("JsonValue::push on a value that is not an array");
    array->items.push_back(std::move(value));
    return *this;
}

std::string JsonValue::dump() const {
    std::string out;
    dump_to(out, 0, 0);
    return out;
}

std::string JsonValue::dump_indented(std::size_t width) const {
    std::string out;
    dump_to(out, width, 0);
    return out;
}

void JsonValue::dump_to(std::string& out, std::size_t width, std::size_t level) const {
    auto newline = [&](std::size_t depth) {
        if (width == 0) return;
        out += '\n';
        out.append(depth * width, ' ');
    };
    if (std::holds_alternative<std::nullptr_t>(m_value)) {
        out += "null";
    } else if (const auto* b = std::get_if<bool>(&m_value)) {
        out += *b ? "true" : "false";
    } else if (const auto* i = std::get_if<std::int64_t>(&m_value)) {
        out += std::to_string(*i);
    } else if (const auto* u = std::get_if<std::uint64_t>(&m_value)) {
        out += std::to_string(*u);
    } else if (const auto* s = std::get_if<std::string>(&m_value)) {
        append_string(out, *s);
    } else if (const auto* a = std::get_if<Array>(&m_value)) {
        out += '[';
        for (std::size_t n = 0; n < a->items.size(); ++n) {
            if (n > 0) out += ',';
            newline(level + 1);
            a->items[n].dump_to(out, width, level + 1);
        }
        if (!a->items.empty()) newline(level);
        out += ']';
    } else if (const auto* o = std::get_if<Object>(&m_value)) {
        out += '{';
        for (std::size_t n = 0; n < o->members.size(); ++n) {
            if (n > 0) out += ',';
            newline(level + 1);
            append_string(out, o->members[n].first);
            out += width == 0 ? ":" : ": ";
            o->members[n].second.dump_to(out, width, level + 1);
        }
        if (!o->members.empty()) newline(level);
        out += '}';
    }
}

void print_json(const JsonValue& value) { fmt::print("{}\n", value.dump()); }

}  // namespace tufkey::cli
