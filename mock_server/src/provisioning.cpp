// Provisioning commands over OCI-P (oci-p.md §8): what builds and changes the world that the
// Single Sign-On rules decide against. The handlers live in provisioning_devices.cpp and
// provisioning_users.cpp; this file joins their route tables and holds what they share.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "ocip/protocol/xml_text.hpp"
#include "provisioning_support.hpp"

namespace ocip::mock::detail {

using protocol::command;
using protocol::element;

bool is_system_level(const principal& who) {
  return who.type == principal::kind::system || who.type == principal::kind::provisioning;
}

bool may_act_on_service_provider(const principal& who, std::string_view service_provider) {
  return is_system_level(who) ||
         (who.type == principal::kind::service_provider && who.service_provider == service_provider);
}

bool may_act_on_group(const principal& who, std::string_view service_provider, std::string_view group) {
  return may_act_on_service_provider(who, service_provider) ||
         (who.type == principal::kind::group && who.service_provider == service_provider && who.group == group);
}

bool may_act_on_device(const principal& who, const device_key& key) {
  switch (key.level) {
    case device_level::system:
      return is_system_level(who);
    case device_level::service_provider:
      return may_act_on_service_provider(who, key.service_provider);
    case device_level::group:
      return may_act_on_group(who, key.service_provider, key.group);
  }
  return false;
}

bool may_change_user(const principal& who, const user& target) {
  return who.type != principal::kind::user && may_act_on(who, target);
}

namespace {

field_check checked_text(std::string_view command_type, const element* field, std::string_view name,
                         std::size_t min_length, std::size_t max_length) {
  if (field == nullptr) {
    return {std::nullopt,
            validation_error(std::string(command_type) + ": missing required element '" + std::string(name) + "'")};
  }
  if (const std::size_t length = protocol::utf8_character_count(field->text);
      length < min_length || length > max_length) {
    return {std::nullopt, validation_error(std::string(command_type) + ": value '" + field->text + "' of element '" +
                                           std::string(name) + "' is not facet-valid with respect to length " +
                                           std::to_string(min_length) + ".." + std::to_string(max_length))};
  }
  return {field->text, std::nullopt};
}

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

}  // namespace

field_check required_child_text(std::string_view command_type, const element& parent, std::string_view name,
                                std::size_t min_length, std::size_t max_length) {
  return checked_text(command_type, parent.child(name), name, min_length, max_length);
}

field_check optional_text(const command& cmd, std::string_view name, std::size_t min_length, std::size_t max_length) {
  const element* field = cmd.field(name);
  if (field == nullptr) {
    return {};
  }
  return checked_text(cmd.type, field, name, min_length, max_length);
}

command enumeration_error(std::string_view command_type, std::string_view name, std::string_view value,
                          std::string_view allowed) {
  return validation_error(std::string(command_type) + ": value '" + std::string(value) + "' of element '" +
                          std::string(name) + "' is not facet-valid with respect to enumeration [" +
                          std::string(allowed) + "]");
}

access_device_check read_access_device(std::string_view command_type, const element& device) {
  const field_check level_text = required_child_text(command_type, device, "deviceLevel", 1, 40);
  if (level_text.error) {
    return {std::nullopt, {}, level_text.error};
  }
  const std::optional<device_level> level = parse_device_level(*level_text.value);
  if (!level) {
    return {std::nullopt,
            {},
            enumeration_error(command_type, "deviceLevel", *level_text.value, "System, Service Provider, Group")};
  }
  field_check name = required_child_text(command_type, device, "deviceName", 1, 40);
  if (name.error) {
    return {std::nullopt, {}, name.error};
  }
  return {level, std::move(*name.value), std::nullopt};
}

device_key key_in_reach(device_level level, std::string_view service_provider, std::string_view group,
                        std::string name) {
  device_key key;
  key.level = level;
  key.name = std::move(name);
  if (level != device_level::system) {
    key.service_provider = std::string(service_provider);
  }
  if (level == device_level::group) {
    key.group = std::string(group);
  }
  return key;
}

element table(std::string name, std::span<const std::string_view> headings,
              const std::vector<std::vector<std::string>>& rows) {
  std::vector<element> children;
  for (const std::string_view heading : headings) {
    children.push_back(element::leaf("colHeading", std::string(heading)));
  }
  for (const auto& row : rows) {
    std::vector<element> columns;
    columns.reserve(row.size());
    for (const std::string& column : row) {
      columns.push_back(element::leaf("col", column));
    }
    children.push_back(element::parent("row", std::move(columns)));
  }
  return element::parent(std::move(name), std::move(children));
}

bool passes_criteria(const command& cmd, std::string_view criterion, std::string_view value) {
  for (const element& field : cmd.fields) {
    if (field.name != criterion) {
      continue;
    }
    const std::string_view mode = field.child_text("mode").value_or("Equal To");
    const std::string_view case_insensitive = field.child_text("isCaseInsensitive").value_or("true");
    const bool ignore_case = case_insensitive != "false" && case_insensitive != "0";
    const std::string wanted = ignore_case ? lower(field.child_text("value").value_or(""))
                                           : std::string(field.child_text("value").value_or(""));
    const std::string have = ignore_case ? lower(value) : std::string(value);
    bool passes = false;
    if (mode == "Starts With") {
      passes = have.starts_with(wanted);
    } else if (mode == "Contains") {
      passes = have.find(wanted) != std::string::npos;
    } else {
      passes = have == wanted;
    }
    if (!passes) {
      return false;
    }
  }
  return true;
}

bool passes_exact_criteria(const command& cmd, std::string_view criterion, std::string_view child,
                           std::string_view value) {
  return std::all_of(cmd.fields.begin(), cmd.fields.end(), [&](const element& field) {
    return field.name != criterion || field.child_text(child).value_or("") == value;
  });
}

std::optional<std::size_t> response_size_limit(const command& cmd) {
  const std::optional<std::string_view> text = cmd.field_text("responseSizeLimit");
  if (!text) {
    return std::nullopt;
  }
  std::size_t limit = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (error != std::errc() || end != text->data() + text->size() || limit == 0) {
    return std::nullopt;
  }
  return limit;
}

std::span<const route> provisioning_routes() {
  static const std::vector<route> routes = [] {
    std::vector<route> all;
    for (const auto part : {device_routes(), user_routes()}) {
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }();
  return routes;
}

}  // namespace ocip::mock::detail
