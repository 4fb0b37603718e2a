#pragma once
// A small world built in code, so the dispatcher's tests do not depend on the scenario loader.

#include "ocip/mock/world.hpp"

namespace ocip::mock::testing {

inline device_key group_device(std::string name) {
  return device_key{device_level::group, "acme", "sales", std::move(name)};
}

inline world make_test_world() {
  world w;
  w.service_providers = {{"acme", false}, {"globex", true}};
  w.groups = {{"acme", "sales", "acme.example.com"},
              {"acme", "support", "acme.example.com"},
              {"globex", "hq", "globex.example.com"}};
  w.device_types = {{"Polycom VVX 450", configuration_option::device_management},
                    {"Old Phone", configuration_option::not_supported},
                    {"Legacy Phone", configuration_option::legacy},
                    {"SBC Trunk", configuration_option::device_management}};
  w.devices = {
      {group_device("desk-alice"), "Polycom VVX 450", false},
      {group_device("desk-locked"), "Polycom VVX 450", true},
      {group_device("desk-old"), "Old Phone", false},
      {group_device("desk-legacy"), "Legacy Phone", false},
      {group_device("sbc-1"), "SBC Trunk", false},
      {device_key{device_level::service_provider, "acme", "", "sp-phone"}, "Polycom VVX 450", false},
      {device_key{device_level::system, "", "", "sys-phone"}, "Polycom VVX 450", false},
  };
  user alice{"alice@acme.example.com", "alice-pass", "acme", "sales", "Alice", "Zoë", {}, std::nullopt};
  alice.line_ports = {{group_device("desk-alice"), "alice_1@acme.example.com"},
                      {group_device("desk-locked"), "alice_2@acme.example.com"},
                      {group_device("desk-old"), "alice_3@acme.example.com"},
                      {group_device("desk-legacy"), "alice_4@acme.example.com"},
                      {device_key{device_level::service_provider, "acme", "", "sp-phone"}, "alice_5@acme.example.com"},
                      {device_key{device_level::system, "", "", "sys-phone"}, "alice_6@acme.example.com"}};
  user bob{"bob@acme.example.com", "bob-pass", "acme", "sales", "Bob", "Müller", {}, std::nullopt};
  user trunk{"pbx@acme.example.com", "pbx-pass", "acme", "sales", "PBX", "Trunk", {}, std::string("pbx-trunk")};
  user carol{"carol@acme.example.com", "carol-pass", "acme", "support", "Carol", "Support", {}, std::nullopt};
  w.users = {alice, bob, trunk, carol};
  w.trunk_groups = {{"acme", "sales", "pbx-trunk", group_device("sbc-1")}};
  w.administrators = {{"sysadmin", "sys-pass", admin_kind::system, "", ""},
                      {"acme-admin", "sp-pass", admin_kind::service_provider, "acme", ""},
                      {"globex-admin", "gx-pass", admin_kind::service_provider, "globex", ""},
                      {"sales-admin", "grp-pass", admin_kind::group, "acme", "sales"},
                      {"support-admin", "grp2-pass", admin_kind::group, "acme", "support"}};
  return w;
}

}  // namespace ocip::mock::testing
